// Bundled in place of zod's index of locales (wrangler.toml [alias]): the Workers use zod's English
// messages only (its default, which zod's schemas import directly), and the forty-odd other locales
// (about 260 KB minified, a fifth of the edge script) would only add to every cold start's parse.
// test/node/bundle.test.ts checks they stay out and that the English messages still reach clients.
export { default as en } from "zod/v4/locales/en.js";
