import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { percentile, round } from '../support/process.js';

export interface LoadOptions {
  visitors: number;
  agents: number;
  durationMs: number;
  intervalMs: number;
  openVisitor(index: number): Promise<Socket>;
  openAgent(index: number): Promise<Socket>;
}

export interface LoadResult {
  sent: number;
  acked: number;
  received: number;
  errors: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  msgs_per_s: number;
  /** Warm-up: how fast first messages (each opening a conversation) were taken, in batches of 50. */
  open_conversations_per_s: number;
}

const MARK = /⟨bench (\d+(?:\.\d+)?)⟩/;

/**
 * After a warm-up in which every visitor opens its conversation, N visitors each send a message
 * every `intervalMs` (randomly phased) for `durationMs`; latency is from the visitor's emit to
 * the first agent socket receiving it, on one clock.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agents: Socket[] = [];
  for (let i = 0; i < options.agents; i++) agents.push(await options.openAgent(i));
  const latencies: number[] = [];
  agents[0]!.on('message', (payload: { message: { text?: string; kind?: string } }) => {
    const match = MARK.exec(payload.message.text ?? '');
    if (match) latencies.push(performance.now() - Number(match[1]));
  });

  const visitors: Socket[] = [];
  for (let start = 0; start < options.visitors; start += 50) {
    const batch = Array.from({ length: Math.min(50, options.visitors - start) }, (_, i) => options.openVisitor(start + i));
    visitors.push(...(await Promise.all(batch)));
  }

  // Warm-up, not measured: each visitor opens its conversation (the first message of a
  // conversation does more work), in batches, as visitors arriving over time would.
  const warmupStarted = performance.now();
  for (let start = 0; start < visitors.length; start += 50) {
    await Promise.all(
      visitors.slice(start, start + 50).map((socket) =>
        socket
          .timeout(30_000)
          .emitWithAck('message:send', { clientMessageId: randomUUID(), text: '你好' })
          .catch(() => undefined),
      ),
    );
  }
  const warmupMs = performance.now() - warmupStarted;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  latencies.length = 0;

  let sent = 0;
  let acked = 0;
  let errors = 0;
  const timers: NodeJS.Timeout[] = [];
  const began = performance.now();
  const sendFrom = (socket: Socket) => {
    sent += 1;
    const text = `压测消息 ⟨bench ${performance.now()}⟩`;
    socket
      .timeout(30_000)
      .emitWithAck('message:send', { clientMessageId: randomUUID(), text })
      .then((response: { ok: boolean }) => (response.ok ? (acked += 1) : (errors += 1)))
      .catch(() => (errors += 1));
  };
  for (const socket of visitors) {
    const phase = Math.random() * options.intervalMs;
    timers.push(
      setTimeout(() => {
        sendFrom(socket);
        timers.push(setInterval(() => sendFrom(socket), options.intervalMs));
      }, phase),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  for (const timer of timers) clearTimeout(timer);
  const sendingMs = performance.now() - began;
  // Let messages in flight arrive.
  for (let waited = 0; latencies.length < sent && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));

  for (const socket of [...visitors, ...agents]) socket.close();
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    sent,
    acked,
    received: latencies.length,
    errors,
    p50_ms: round(percentile(sorted, 50)),
    p95_ms: round(percentile(sorted, 95)),
    p99_ms: round(percentile(sorted, 99)),
    msgs_per_s: round(latencies.length / (sendingMs / 1000), 1),
    open_conversations_per_s: round(options.visitors / (warmupMs / 1000), 1),
  };
}
