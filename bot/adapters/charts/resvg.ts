import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ChartRenderer } from '../../core/ports.js';

type ResvgWasm = typeof import('@resvg/resvg-wasm');

/** The two files the renderer reads, beside the bundle on Lambda (infra/bundling.ts copies them there). */
export const chartFiles = { wasm: 'resvg.wasm', font: 'DejaVuSans.ttf' } as const;

/** A file beside the running bundle, else where the package keeps it (local runs and tests). */
async function readBesideOrPackage(name: string, packagePath: string): Promise<Buffer> {
  try {
    return await readFile(fileURLToPath(new URL(`./${name}`, import.meta.url)));
  } catch {
    return readFile(createRequire(import.meta.url).resolve(packagePath));
  }
}

/**
 * The WebAssembly module can be initialised once per process, whoever asks: every renderer
 * (one per runtime; tests build many) shares this one load.
 */
let loading: Promise<{ resvg: ResvgWasm; font: Uint8Array } | null> | undefined;
const load = () =>
  (loading ??= (async () => {
    try {
      const [resvg, wasm, font] = await Promise.all([
        import('@resvg/resvg-wasm'),
        readBesideOrPackage(chartFiles.wasm, '@resvg/resvg-wasm/index_bg.wasm'),
        readBesideOrPackage(chartFiles.font, 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      ]);
      await resvg.initWasm(wasm);
      return { resvg, font: new Uint8Array(font) };
    } catch (err) {
      console.warn(
        JSON.stringify({ msg: 'charts unavailable: resvg or its font not found', error: String(err) }),
      );
      return null;
    }
  })());

/**
 * SVG to PNG with resvg built to WebAssembly (the same Rust renderer on every
 * machine and architecture, no native binary) and the DejaVu Sans font, which
 * covers Latin, Cyrillic and Arabic. No system font is read, so the image is
 * the same everywhere.
 *
 * Loaded on the first chart only, so a webhook's cold start does not pay for
 * it. Where it cannot be loaded the chart is left out (null) and the figures
 * go without it.
 */
export function resvgCharts(): ChartRenderer {
  return {
    async png(svg) {
      const found = await load();
      if (!found) return null;
      const image = new found.resvg.Resvg(svg, {
        font: { fontBuffers: [found.font], defaultFontFamily: 'DejaVu Sans' },
        background: 'white',
      });
      try {
        return Buffer.from(image.render().asPng());
      } finally {
        image.free();
      }
    },
  };
}
