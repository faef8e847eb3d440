import { createRequire } from 'node:module';
import type { ChartRenderer } from '../../core/ports.js';

type Resvg = typeof import('@resvg/resvg-js');

/**
 * SVG to PNG with resvg (a Rust renderer; its binary comes per platform in its
 * npm package) and the DejaVu Sans font, which covers Latin, Cyrillic and
 * Arabic. No system font is read, so the image is the same everywhere.
 *
 * The module is loaded on the first chart only, so a webhook's cold start does
 * not pay for it. It is loaded with `require`, which also looks in `NODE_PATH`:
 * on Lambda the bundles leave resvg out (esbuild cannot bundle a `.node`
 * binary) and a layer brings it under /opt/nodejs/node_modules (see README).
 * Where it cannot be loaded the chart is left out (null) and the figures go
 * without it.
 */
export function resvgCharts(): ChartRenderer {
  let loaded: { resvg: Resvg; font: string } | null | undefined;
  const load = () => {
    if (loaded !== undefined) return loaded;
    const require = createRequire(import.meta.url);
    try {
      loaded = {
        resvg: require('@resvg/resvg-js') as Resvg,
        font: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
      };
    } catch (err) {
      console.warn(
        JSON.stringify({ msg: 'charts unavailable: resvg or its font not found', error: String(err) }),
      );
      loaded = null;
    }
    return loaded;
  };
  return {
    async png(svg) {
      const found = load();
      if (!found) return null;
      const resvg = new found.resvg.Resvg(svg, {
        font: { fontFiles: [found.font], loadSystemFonts: false, defaultFontFamily: 'DejaVu Sans' },
        background: 'white',
      });
      return resvg.render().asPng();
    },
  };
}
