/**
 * A made-up catalogue of `count` English product-care articles, one invented product name per
 * article (amberbirchamber kettle, …) as real shops have names. Pure, so the workerd test of a
 * large site and `npm run bench:publish` build the same articles.
 */
import type { SiteImport } from '../../protocol/site-admin.ts';

const WORDS = [
  'amber',
  'birch',
  'cobalt',
  'dune',
  'ember',
  'fjord',
  'garnet',
  'harbor',
  'indigo',
  'juniper',
  'kelp',
  'lagoon',
  'meadow',
  'nectar',
  'onyx',
  'prairie',
];

export function syntheticArticles(count: number): SiteImport['articles'] {
  return Array.from({ length: count }, (_, i) => {
    const product = `${WORDS[i % 16]}${WORDS[Math.floor(i / 16) % 16]}${WORDS[Math.floor(i / 256) % 16]} kettle`;
    return {
      id: `product-${i}`,
      locale: 'en' as const,
      title: `Caring for the ${product}`,
      tags: [WORDS[i % 16]!, `series${Math.floor(i / 100)}`],
      questions: [`How do I clean the ${product}?`, `Is the ${product} waterproof?`, `Where is the ${product} made?`],
      body: `Wipe the ${product} with a soft damp cloth.\n\n${'It is made of recycled materials and ships in a paper box. '.repeat(8)}Serial range ${i * 7}-${i * 7 + 6}.`,
    };
  });
}
