import { createRequire } from 'node:module';
import type { ChartRenderer } from '../../core/ports.js';

/**
 * SVG to PNG with resvg (a Rust renderer; its binary comes per platform in its
 * npm package) and the DejaVu Sans font, which covers Latin, Cyrillic and
 * Arabic. No system font is read, so the image is the same everywhere. The
 * module is loaded on the first chart only: a webhook's cold start does not pay for it.
 */
export function resvgCharts(): ChartRenderer {
  let loaded: Promise<typeof import('@resvg/resvg-js')> | undefined;
  return {
    async png(svg) {
      loaded ??= import('@resvg/resvg-js');
      const { Resvg } = await loaded;
      const font = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
      const resvg = new Resvg(svg, {
        font: { fontFiles: [font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
        background: 'white',
      });
      return resvg.render().asPng();
    },
  };
}
