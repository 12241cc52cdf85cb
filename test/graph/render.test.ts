import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAG } from '../../src/graph/dag.js';
import { randomDag } from './random-dag.js';

const etl = () =>
  DAG.builder()
    .addEdge('extract', 'transform', { label: 'rows' })
    .addEdge('transform', 'load')
    .addEdge('extract', 'load')
    .addNode('audit')
    .build();

describe('toMermaid', () => {
  it('renders a top-down flowchart with labels', () => {
    expect(etl().toMermaid()).toBe(
      [
        'flowchart TD',
        '  extract["extract"]',
        '  transform["transform"]',
        '  load["load"]',
        '  audit["audit"]',
        '  extract -->|"rows"| transform',
        '  transform --> load',
        '  extract --> load',
      ].join('\n'),
    );
  });

  it('sanitizes ids, keeps them unique and shows the real names', () => {
    const dag = DAG.builder()
      .addEdge('a-b', 'a b')
      .addEdge('a b', '1st')
      .addEdge('1st', 'end')
      .addEdge('end', 'say "hi" #1', { label: 'x<y' })
      .build();
    expect(dag.toMermaid()).toBe(
      [
        'flowchart TD',
        '  a_b["a-b"]',
        '  a_b_2["a b"]',
        '  n_1st["1st"]',
        '  n_end["end"]',
        '  say__hi___1["say #quot;hi#quot; #35;1"]',
        '  a_b --> a_b_2',
        '  a_b_2 --> n_1st',
        '  n_1st --> n_end',
        '  n_end -->|"x#lt;y"| say__hi___1',
      ].join('\n'),
    );
  });

  it('declares every node once with a valid id, and every edge between declared ids (property)', () => {
    const name = fc.string({ minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 8 }), (names) => {
        const builder = DAG.builder();
        for (const n of names) builder.addNode(n);
        for (let i = 1; i < names.length; i++) builder.addEdge(names[i - 1]!, names[i]!);
        const lines = builder.build().toMermaid().split('\n');
        const declared = lines.slice(1, names.length + 1).map((line) => {
          const match = /^ {2}([A-Za-z_][A-Za-z0-9_]*)\["([^"]*)"\]$/.exec(line);
          expect(match).not.toBeNull();
          return match![1]!;
        });
        expect(new Set(declared).size).toBe(names.length);
        for (const line of lines.slice(names.length + 1)) {
          const [from, , to] = line.trim().split(' ');
          expect(declared).toContain(from);
          expect(declared).toContain(to);
        }
      }),
    );
  });
});

describe('toDot', () => {
  it('renders a digraph with quoted names and labels', () => {
    expect(etl().toDot()).toBe(
      [
        'digraph {',
        '  "extract";',
        '  "transform";',
        '  "load";',
        '  "audit";',
        '  "extract" -> "transform" [label="rows"];',
        '  "transform" -> "load";',
        '  "extract" -> "load";',
        '}',
      ].join('\n'),
    );
  });

  it('escapes quotes, backslashes and newlines', () => {
    const dag = DAG.builder().addEdge('say "hi"', 'C:\\tmp', { label: 'two\nlines' }).build();
    expect(dag.toDot().split('\n').slice(1, 4)).toEqual([
      '  "say \\"hi\\"";',
      '  "C:\\\\tmp";',
      '  "say \\"hi\\"" -> "C:\\\\tmp" [label="two\\nlines"];',
    ]);
  });
});

describe('toText', () => {
  it('renders level by level with parents', () => {
    expect(etl().toText()).toBe(
      ['L0  extract', 'L0  audit', 'L1  transform ← extract', 'L2  load ← transform, extract'].join(
        '\n',
      ),
    );
    expect(DAG.builder().build().toText()).toBe('(empty DAG)');
  });

  it('pads level labels and quotes awkward names', () => {
    const builder = DAG.builder();
    for (let i = 1; i <= 10; i++) builder.addEdge(`n${i - 1}`, `n${i}`);
    builder.addEdge('n10', 'a, b');
    const lines = builder.build().toText().split('\n');
    expect(lines[0]).toBe('L0   n0');
    expect(lines[10]).toBe('L10  n10 ← n9');
    expect(lines[11]).toBe('L11  "a, b" ← n10');
  });

  it('lists each node once, after all its parents, deterministically (property)', () => {
    fc.assert(
      fc.property(randomDag({ maxNodes: 12 }), ({ dag, names, edges }) => {
        const text = dag.toText();
        expect(DAG.fromJSON(dag.toJSON()).toText()).toBe(text);
        if (names.length === 0) return;
        const level = new Map<string, number>();
        const parents = new Map<string, string[]>();
        for (const line of text.split('\n')) {
          const match = /^L(\d+) +(\S+)(?: ← (.*))?$/.exec(line);
          expect(match).not.toBeNull();
          expect(level.has(match![2]!)).toBe(false);
          level.set(match![2]!, Number(match![1]));
          parents.set(match![2]!, match![3]?.split(', ') ?? []);
        }
        expect([...level.keys()].sort()).toEqual([...names].sort());
        for (const [from, to] of edges) {
          expect(level.get(to)!).toBeGreaterThan(level.get(from)!);
          expect(parents.get(to)).toContain(from);
        }
      }),
      { numRuns: 100 },
    );
  });
});
