// SVG charts to PNG with resvg (Rust, as wasm). workerd cannot compile wasm from bytes, so the
// module arrives pre-compiled (wrangler's CompiledWasm rule); the font is bundled as a Data
// module because a Worker has no system fonts.
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import resvgModule from "@resvg/resvg-wasm/index_bg.wasm";
import font from "./font.generated.bin";

let ready: Promise<void> | undefined;

export async function svgToPng(svg: string, width: number): Promise<Uint8Array> {
  ready ??= initWasm(resvgModule);
  await ready;
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: width },
    font: { fontBuffers: [new Uint8Array(font)], defaultFontFamily: "DejaVu Sans", loadSystemFonts: false },
  });
  const png = resvg.render().asPng();
  resvg.free();
  return png;
}
