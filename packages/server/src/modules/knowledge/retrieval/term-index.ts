/**
 * Which FAQs mention which user-dictionary terms (brand, product, service names).
 *
 * In a product catalogue the same question exists for many products ("汇流手环8怎么退货",
 * "汇流手环9怎么退货", …): a customer's phrasing can match another product's question better
 * than the right product's, and BM25 alone then leaves the right FAQ out of the candidates.
 * The terms a query names are the strongest clue, so FAQs holding them are always offered
 * to the classifier, with the share of the query's terms they hold as evidence.
 */
export class TermIndex {
  /** term → FAQ → how many of the FAQ's questions hold it. */
  private readonly holders = new Map<string, Map<number, number>>();

  add(faq: number, terms: readonly string[], sign: 1 | -1 = 1): void {
    for (const term of new Set(terms)) {
      let byFaq = this.holders.get(term);
      if (byFaq === undefined) this.holders.set(term, (byFaq = new Map()));
      const count = (byFaq.get(faq) ?? 0) + sign;
      if (count > 0) byFaq.set(faq, count);
      else byFaq.delete(faq);
      if (byFaq.size === 0) this.holders.delete(term);
    }
  }

  remove(faq: number, terms: readonly string[]): void {
    this.add(faq, terms, -1);
  }

  /**
   * FAQs holding at least one of the terms, those holding more of them first; a term held
   * by more than `maxHolders` FAQs (a shop name found everywhere) tells nothing and is skipped.
   */
  faqsWith(terms: readonly string[], maxHolders: number): number[] {
    const hits = new Map<number, number>();
    for (const term of new Set(terms)) {
      const byFaq = this.holders.get(term);
      if (byFaq === undefined || byFaq.size > maxHolders) continue;
      for (const faq of byFaq.keys()) hits.set(faq, (hits.get(faq) ?? 0) + 1);
    }
    return [...hits].sort((a, b) => b[1] - a[1]).map(([faq]) => faq);
  }

  /**
   * Share (0–1) of the query's terms that the FAQ's questions hold; 1 when the query names
   * none (then it says nothing, for every candidate alike). `leaveOut` are the terms of one
   * of the FAQ's own questions, to score a training question as if unseen.
   */
  share(faq: number, terms: readonly string[], leaveOut?: readonly string[]): number {
    const distinct = new Set(terms);
    if (distinct.size === 0) return 1;
    let held = 0;
    for (const term of distinct) {
      const count = (this.holders.get(term)?.get(faq) ?? 0) - (leaveOut?.includes(term) === true ? 1 : 0);
      if (count > 0) held += 1;
    }
    return held / distinct.size;
  }
}
