// Help Center search over the article store: articles ranked by how many of the phrase's words they contain
// (prefix matches count), and the highlighted title/summary segments of article_search_highlights.
import type { JsonObject, SbArticle } from './intercom-store.js';

const words = (s: string) =>
  s
    .toLowerCase()
    .replace(/<[^>]+>/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 2);

const hit = (terms: ReadonlySet<string>, word: string) => [...terms].some((t) => word.toLowerCase().startsWith(t));

/** An empty phrase matches every article. */
export function scoreArticles(articles: readonly SbArticle[], phrase: string): SbArticle[] {
  const terms = new Set(words(phrase));
  return articles
    .map((a) => {
      const text = new Set(words(`${a.title} ${a.description} ${a.body}`));
      return { a, score: [...terms].filter((t) => [...text].some((w) => w.startsWith(t))).length };
    })
    .filter((s) => terms.size === 0 || s.score > 0)
    .sort((x, y) => y.score - x.score || x.a.id.localeCompare(y.a.id))
    .map((s) => s.a);
}

function segments(text: string, terms: ReadonlySet<string>): JsonObject[] {
  const out: { type: 'highlight' | 'plain'; text: string }[] = [];
  for (const piece of text.split(/(\s+)/)) {
    const type = piece.trim() !== '' && hit(terms, piece.replace(/[^\p{L}\p{N}]/gu, '')) ? 'highlight' : 'plain';
    const last = out.at(-1);
    if (last && last.type === type) last.text += piece;
    else out.push({ type, text: piece });
  }
  return out.filter((s) => s.text !== '');
}

export function highlightArticle(a: SbArticle, phrase: string): JsonObject {
  const terms = new Set(words(phrase));
  const plain = a.body
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const sentences = plain.split(/(?<=[.!?])\s+/).filter((s) => words(s).some((w) => hit(terms, w)));
  return {
    article_id: a.id,
    highlighted_title: segments(a.title, terms),
    highlighted_summary: sentences.slice(0, 2).map((s) => segments(s, terms)),
  };
}
