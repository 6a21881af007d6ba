// Renders admin/favicon.svg into admin/favicon.ico (16, 32 and 48 pixels, each a PNG inside the
// ICO container, which every browser reads) with Debian's chromium. Run after changing the svg:
//   node scripts/favicon.ts
import fs from 'node:fs/promises';
import path from 'node:path';
import { adminDir } from '../src/paths.ts';
import { launchBrowser } from '../support/browser.ts';

const SIZES = [16, 32, 48];

const svg = await fs.readFile(path.join(adminDir, 'favicon.svg'), 'utf8');
const browser = await launchBrowser();
const pngs: Buffer[] = [];
try {
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    pngs.push(await page.screenshot({ omitBackground: true, type: 'png' }));
    await page.close();
  }
} finally {
  await browser.close();
}

// ICONDIR (6 bytes), one ICONDIRENTRY (16 bytes) per image, then the images.
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0); // reserved
header.writeUInt16LE(1, 2); // 1 = icon
header.writeUInt16LE(pngs.length, 4);
let offset = 6 + 16 * pngs.length;
const entries = pngs.map((png, index) => {
  const size = SIZES[index] as number;
  const entry = Buffer.alloc(16);
  entry.writeUInt8(size, 0); // width
  entry.writeUInt8(size, 1); // height
  entry.writeUInt8(0, 2); // no palette
  entry.writeUInt8(0, 3); // reserved
  entry.writeUInt16LE(1, 4); // colour planes
  entry.writeUInt16LE(32, 6); // bits per pixel
  entry.writeUInt32LE(png.length, 8);
  entry.writeUInt32LE(offset, 12);
  offset += png.length;
  return entry;
});
const ico = Buffer.concat([header, ...entries, ...pngs]);
await fs.writeFile(path.join(adminDir, 'favicon.ico'), ico);
console.log(`admin/favicon.ico: ${ico.length} bytes, ${SIZES.join(', ')} px`);
