// Entry: pick the language, load its catalog, render. Everything page-specific loads lazily.
import { render } from "preact";
import { Root } from "./app";
import { detectLanguage, initI18n } from "./i18n";
import "./styles.css";

const language = detectLanguage();
initI18n(language)
  .then(() => render(<Root initialLanguage={language} />, document.getElementById("app")!))
  .catch((err) => {
    console.error("the dashboard failed to start", err);
    document.getElementById("app")!.textContent = "Wayfind could not start. Reload the page. 无法启动，请刷新页面。";
  });
