import type { NodeState } from '../engine/index.js';
import type { ExecutorHooks } from '../executor/index.js';
import { countsLine, type Output } from './output.js';

/**
 * Live progress on a terminal: one line, redrawn every 100 ms, with nodes by state and the
 * dynamic nodes added so far. Off the terminal (or with --json) it prints nothing.
 */
export class Progress {
  readonly #output: Output;
  readonly #states = new Map<string, NodeState>();
  readonly #counts: Partial<Record<NodeState, number>> = {};
  #dynamic = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(output: Output, initial: Iterable<string>) {
    this.#output = output;
    for (const name of initial) this.#set(name, 'pending');
  }

  /** Hooks that keep the counts current. */
  hooks(): ExecutorHooks {
    return {
      onTransition: (node, _from, to) => this.#set(node, to),
      onModification: (record) => {
        if (record.outcome !== 'applied') return;
        for (const name of record.diff.removedNodes) this.#set(name, undefined);
        for (const name of record.diff.addedNodes) this.#set(name, 'pending');
        this.#dynamic += record.diff.addedNodes.length;
      },
    };
  }

  start(): void {
    if (!this.#output.isTTY || this.#output.json) return;
    this.#timer = setInterval(() => this.#draw(), 100);
  }

  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#output.err('\r\u001b[2K');
  }

  #set(name: string, state: NodeState | undefined): void {
    const previous = this.#states.get(name);
    if (previous !== undefined) this.#counts[previous] = (this.#counts[previous] ?? 1) - 1;
    if (state === undefined) this.#states.delete(name);
    else {
      this.#states.set(name, state);
      this.#counts[state] = (this.#counts[state] ?? 0) + 1;
    }
  }

  #draw(): void {
    const dynamic = this.#dynamic > 0 ? ` | +${this.#dynamic} dynamic` : '';
    this.#output.err(`\r\u001b[2K${countsLine(this.#counts)}${dynamic}`);
  }
}
