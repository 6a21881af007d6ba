// The documentation's links work in a fresh clone: every relative link in README.md and docs/*.md
// names a file that exists inside the repository (a link that leaves it is dead in a clone).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { root } from '../src/paths.ts';

/** documents are the Markdown files a reader of the repository follows links in. */
const documents = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** links returns the targets of a Markdown file's links and images, outside code. */
export function links(markdown: string): string[] {
  const prose = markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '').replace(/`[^`\n]*`/g, '');
  const targets: string[] = [];
  // Inline links and images: [text](target "title"), the text may span lines.
  for (const match of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
    targets.push(match[1] as string);
  // Reference definitions: [name]: target
  for (const match of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s.*)?$/gm))
    targets.push(match[1] as string);
  // Raw HTML: href="..." and src="..."
  for (const match of prose.matchAll(/\b(?:href|src)="([^"]+)"/g)) targets.push(match[1] as string);
  return targets;
}

/** problem says what is wrong with a relative link from `document`, or undefined when it works. */
function problem(document: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) return undefined;
  if (target.startsWith('/')) return 'is absolute: it points outside the repository';
  const file = decodeURIComponent(target.split('#')[0] as string);
  const resolved = path.resolve(root, path.dirname(document), file);
  const inside = path.relative(root, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return 'leaves the repository';
  if (!existsSync(resolved)) return `names ${inside}, which does not exist`;
  return undefined;
}

t.test('the link finder sees every kind of link it checks', async (t) => {
  const sample = [
    'See [the design\n](../outside/NOTES.md) and ![a picture](docs/a.png "title").',
    '[ref]: ./docs/b.md',
    '<a href="c.md">c</a>',
    '`[not](a-link.md)` and',
    '```',
    '[not](a-link-either.md)',
    '```',
    '[web](https://example.com) [here](#anchor)',
  ].join('\n');
  t.same(links(sample).sort(), [
    '#anchor',
    '../outside/NOTES.md',
    './docs/b.md',
    'c.md',
    'docs/a.png',
    'https://example.com',
  ]);
  t.equal(problem('README.md', '../outside/NOTES.md'), 'leaves the repository');
  t.equal(problem('docs/architecture.md', '../README.md'), undefined);
  t.match(problem('README.md', 'docs/missing.md'), /does not exist/);
});

for (const document of documents) {
  t.test(`${document}: every relative link names a file in the repository`, async (t) => {
    const text = readFileSync(path.join(root, document), 'utf8');
    const broken = links(text)
      .map((target) => ({ target, problem: problem(document, target) }))
      .filter((link) => link.problem !== undefined)
      .map((link) => `${link.target} ${link.problem}`);
    t.same(broken, [], 'no link leaves the repository or names a missing file');
  });
}

t.test('the README links the architecture', async (t) => {
  t.match(readFileSync(path.join(root, 'README.md'), 'utf8'), /\]\(docs\/architecture\.md\)/);
});
