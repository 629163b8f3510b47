// The Marketplace icon: media/podium.png (128×128) drawn from media/podium.svg, the same glyph the
// activity bar shows, in white on Podium's banner colour. Generated at build time, never committed,
// so the two cannot drift. resvg is a real SVG renderer (Rust, prebuilt for each platform on npm).
import { Resvg } from '@resvg/resvg-js';
import { readFileSync, writeFileSync } from 'node:fs';

/** The banner colour, shared with package.json's galleryBanner. */
export const ICON_BACKGROUND = '#23324d';

export function buildIcon(svgPath = 'media/podium.svg', pngPath = 'media/podium.png') {
  const source = readFileSync(svgPath, 'utf8');
  const inner = /<svg[^>]*>([\s\S]*)<\/svg>/.exec(source)?.[1];
  if (inner === undefined) throw new Error(`${svgPath} is not an SVG document`);
  // The glyph is drawn on a 24-unit grid with currentColor strokes: scale it into the middle 96 px.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <rect width="128" height="128" rx="24" fill="${ICON_BACKGROUND}"/>
  <g transform="translate(16 16) scale(4)" fill="none" stroke="#ffffff" stroke-width="1.5" stroke-linecap="round" color="#ffffff">${inner}</g>
</svg>`;
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: 128 } }).render().asPng();
  writeFileSync(pngPath, png);
  return pngPath;
}
