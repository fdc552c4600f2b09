import { and, eq, inArray, sql } from 'drizzle-orm';
import { PgListener } from '../../platform/db/pg-listener.js';
import type { AppContext } from '../../platform/context.js';
import type { Executor } from '../users/service.js';
import { decideFromHits } from './retrieval/decision.js';
import { DEFAULT_THRESHOLDS, FaqIndex, type Decision, type DecisionThresholds, type FaqEntry, type SearchHit } from './retrieval/index.js';
import { kbCategories, kbFaqs } from './schema.js';

/** PostgreSQL channel on which FAQ edits are announced to every node (sent on commit, like the outbox's). */
export const KNOWLEDGE_CHANNEL = 'huiliu_knowledge';
/** Edits after which the in-memory model is re-trained from scratch once the base is quiet. */
const RETRAIN_AFTER_IDLE_MS = 10_000;
/** Bigger edits (an import) are announced as "reload everything". */
const MAX_IDS_PER_NOTICE = 50;

type FaqRow = typeof kbFaqs.$inferSelect;

/**
 * Announces changed FAQs in the caller's transaction: every node's cache hears it when (and only
 * if) the transaction commits, and upserts or removes those FAQs (`all`: drops the cache, rebuilt
 * on next use).
 */
export async function notifyKnowledgeChanged(db: Executor, workspaceId: string, faqIds: string[] | 'all'): Promise<void> {
  const ids = faqIds === 'all' || faqIds.length > MAX_IDS_PER_NOTICE ? 'all' : faqIds;
  await db.execute(sql`select pg_notify(${KNOWLEDGE_CHANNEL}, ${JSON.stringify({ workspaceId, ids })})`);
}

export interface KnowledgeHit {
  faq: FaqRow;
  hit: SearchHit;
}

/** One workspace's live FAQ index, with the rows it was built from. */
export class WorkspaceKnowledge {
  readonly faqs = new Map<string, FaqRow>();
  categories = new Map<string, string>();
  private retrainTimer: NodeJS.Timeout | undefined;
  /** Edits applied so far: a background retrain started before the latest one is stale. */
  private editCount = 0;
  private disposed = false;
  private retraining: Promise<void> | undefined;

  constructor(
    private current: FaqIndex,
    private readonly retrain: { afterIdleMs: number; sliceMs?: number; onError?: (error: unknown) => void } = {
      afterIdleMs: RETRAIN_AFTER_IDLE_MS,
    },
  ) {}

  /** The index answering now (a background retrain replaces it when done). */
  get index(): FaqIndex {
    return this.current;
  }

  /** Resolves when the background retrain under way, if any, has finished or given up (tests). */
  async retrainSettled(): Promise<void> {
    await this.retraining;
  }

  get size(): number {
    return this.faqs.size;
  }

  /** FAQs usable now: enabled (only those are indexed) and inside their validity window. */
  private usable(id: string, at: Date): FaqRow | undefined {
    const row = this.faqs.get(id);
    if (!row) return undefined;
    if (row.validFrom && row.validFrom > at) return undefined;
    if (row.validTo && row.validTo <= at) return undefined;
    return row;
  }

  search(text: string, limit = 5, at = new Date()): KnowledgeHit[] {
    if (this.faqs.size === 0) return [];
    const result: KnowledgeHit[] = [];
    for (const hit of this.index.search(text, limit + 5)) {
      const faq = this.usable(hit.id, at);
      if (faq) result.push({ faq, hit });
      if (result.length === limit) break;
    }
    return result;
  }

  decide(text: string, thresholds: Partial<DecisionThresholds> = {}, at = new Date()): Decision & { hits: KnowledgeHit[] } {
    const merged = { ...DEFAULT_THRESHOLDS, ...thresholds };
    const hits = this.search(text, merged.maxChoices, at);
    return {
      ...decideFromHits(
        hits.map((entry) => entry.hit),
        merged,
      ),
      hits,
    };
  }

  segment(text: string): string[] {
    return this.index.segment(text);
  }

  categoryName(categoryId: string | null): string | null {
    return categoryId ? (this.categories.get(categoryId) ?? null) : null;
  }

  apply(rows: FaqRow[], removedIds: string[]): void {
    this.editCount += 1;
    for (const id of removedIds) {
      this.faqs.delete(id);
      this.index.remove(id);
    }
    for (const row of rows) {
      if (!row.enabled) {
        this.faqs.delete(row.id);
        this.index.remove(row.id);
        continue;
      }
      this.faqs.set(row.id, row);
      this.index.upsert(entryOf(row));
    }
    this.scheduleRetrain();
  }

  /** Folds incremental edits into a full re-training once edits stop for a while. */
  private scheduleRetrain(): void {
    clearTimeout(this.retrainTimer);
    if (this.disposed || this.current.pendingEdits === 0) return;
    this.retrainTimer = setTimeout(() => {
      if (this.retraining === undefined && this.current.pendingEdits > 0) {
        this.retraining = this.retrainInBackground().finally(() => (this.retraining = undefined));
      }
    }, this.retrain.afterIdleMs);
    this.retrainTimer.unref();
  }

  /**
   * Trains a fresh index beside the one answering, a slice at a time (a large base takes
   * seconds to a minute, which must not stall the chats this node serves), and swaps it in.
   * An edit arriving meanwhile makes the fresh index stale: it is dropped, and the retrain
   * scheduled again for when edits stop.
   */
  private async retrainInBackground(): Promise<void> {
    const editsAtStart = this.editCount;
    const stale = (): boolean => this.disposed || this.editCount !== editsAtStart;
    try {
      const rebuilt = await this.current.rebuildCooperatively({ sliceMs: this.retrain.sliceMs, shouldStop: stale });
      if (rebuilt !== undefined && !stale()) {
        this.current = rebuilt;
        return;
      }
    } catch (error) {
      // The same entries built once already; should a rebuild still fail, the index answering
      // now stays (its incremental edits are exact) and the next edit schedules another try.
      this.retrain.onError?.(error);
      return;
    }
    this.scheduleRetrain();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.retrainTimer);
  }
}

function entryOf(row: FaqRow): FaqEntry {
  return { id: row.id, question: row.question, similarQuestions: row.similarQuestions, terms: row.terms };
}

/**
 * Per-node cache of every workspace's FAQ index: built lazily from the tables on first use and
 * kept current by the edit notices every node LISTENs to (an edit is searchable on every node
 * as soon as the notice arrives, milliseconds after commit).
 */
export class KnowledgeIndexes {
  private readonly workspaces = new Map<string, Promise<WorkspaceKnowledge>>();
  /** Per workspace, the edits are applied one after another, after the build. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private listener: PgListener | undefined;
  private stopped = false;

  constructor(private readonly ctx: Pick<AppContext, 'db' | 'pool' | 'logger'>) {}

  async start(): Promise<void> {
    this.listener = new PgListener(this.ctx.pool, this.ctx.logger, [KNOWLEDGE_CHANNEL], {
      onNotification: (_channel, payload) => {
        try {
          const notice = JSON.parse(payload) as { workspaceId: string; ids: string[] | 'all' };
          this.onNotice(notice.workspaceId, notice.ids);
        } catch (error) {
          this.ctx.logger.warn({ err: error }, 'bad knowledge notice');
        }
      },
      // Edits made while the connection was down sent notices nobody heard: rebuild on next use.
      onReconnect: () => this.dropAll(),
    });
    await this.listener.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.dropAll();
    await this.listener?.stop();
    this.listener = undefined;
  }

  private dropAll(): void {
    for (const pending of this.workspaces.values()) void pending.then((knowledge) => knowledge.dispose()).catch(() => undefined);
    this.workspaces.clear();
    this.chains.clear();
  }

  /** The workspace's index, built on first use. */
  get(workspaceId: string): Promise<WorkspaceKnowledge> {
    let pending = this.workspaces.get(workspaceId);
    if (!pending) {
      pending = this.build(workspaceId);
      this.workspaces.set(workspaceId, pending);
      pending.catch(() => this.workspaces.delete(workspaceId));
      this.chains.set(workspaceId, pending);
    }
    return pending;
  }

  /** Whether this node has built the workspace's index (for tests and metrics). */
  isLoaded(workspaceId: string): boolean {
    return this.workspaces.has(workspaceId);
  }

  private async build(workspaceId: string): Promise<WorkspaceKnowledge> {
    const rows = await this.ctx.db
      .select()
      .from(kbFaqs)
      .where(and(eq(kbFaqs.workspaceId, workspaceId), eq(kbFaqs.enabled, true)));
    // Built a slice at a time: a large base takes seconds, and this node serves chats meanwhile.
    const index = await FaqIndex.buildCooperatively(rows.map(entryOf));
    const knowledge = new WorkspaceKnowledge(index as FaqIndex, {
      afterIdleMs: RETRAIN_AFTER_IDLE_MS,
      onError: (error) => this.ctx.logger.warn({ err: error, workspaceId }, 'knowledge retrain failed; the current index keeps answering'),
    });
    for (const row of rows) knowledge.faqs.set(row.id, row);
    knowledge.categories = await this.categoriesOf(workspaceId);
    return knowledge;
  }

  private async categoriesOf(workspaceId: string): Promise<Map<string, string>> {
    const rows = await this.ctx.db
      .select({ id: kbCategories.id, name: kbCategories.name })
      .from(kbCategories)
      .where(eq(kbCategories.workspaceId, workspaceId));
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  private onNotice(workspaceId: string, ids: string[] | 'all'): void {
    if (this.stopped || !this.workspaces.has(workspaceId)) return;
    if (ids === 'all') {
      void this.workspaces.get(workspaceId)?.then(
        (knowledge) => knowledge.dispose(),
        () => undefined,
      );
      this.workspaces.delete(workspaceId);
      this.chains.delete(workspaceId);
      return;
    }
    const previous = this.chains.get(workspaceId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const knowledge = await this.workspaces.get(workspaceId);
        if (!knowledge) return;
        const rows = await this.ctx.db
          .select()
          .from(kbFaqs)
          .where(and(eq(kbFaqs.workspaceId, workspaceId), inArray(kbFaqs.id, ids)));
        knowledge.categories = await this.categoriesOf(workspaceId);
        const found = new Set(rows.map((row) => row.id));
        knowledge.apply(
          rows,
          ids.filter((id) => !found.has(id)),
        );
      })
      .catch((error: unknown) => {
        // An edit we could not apply: start afresh rather than answer from a stale index.
        this.ctx.logger.warn({ err: error, workspaceId }, 'knowledge edit not applied; index dropped');
        this.workspaces.delete(workspaceId);
        this.chains.delete(workspaceId);
      });
    this.chains.set(workspaceId, next);
  }

  /** Resolves once the edits heard so far are applied (tests). */
  async settled(workspaceId: string): Promise<void> {
    await this.chains.get(workspaceId)?.catch(() => undefined);
  }
}

const registry = new WeakMap<object, KnowledgeIndexes>();

/** The node's knowledge cache of this application context. */
export function knowledgeIndexes(ctx: Pick<AppContext, 'db' | 'pool' | 'logger'>): KnowledgeIndexes {
  let indexes = registry.get(ctx.db);
  if (!indexes) {
    indexes = new KnowledgeIndexes(ctx);
    registry.set(ctx.db, indexes);
  }
  return indexes;
}
