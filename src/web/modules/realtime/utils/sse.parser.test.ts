import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.parser.ts';

describe('SseParser', () => {
  it('parses events split across chunks at any byte', () => {
    const text =
      'retry: 3000\n\nevent: hello\ndata: {"a":1}\n\n: heartbeat\n\nid: x-1\nevent: incident.created\ndata: {"id":"i1"}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const got = [...p.push(text.slice(0, cut)), ...p.push(text.slice(cut))];
      expect(got).toEqual([
        { event: 'hello', data: '{"a":1}', id: undefined },
        { event: 'incident.created', data: '{"id":"i1"}', id: 'x-1' },
      ]);
      expect(p.retryMs).toBe(3000);
    }
  });

  it('joins multi-line data, accepts CRLF and CR line ends, defaults the event name to message', () => {
    const p = new SseParser();
    expect(p.push('data: a\r\ndata: b\r\n\r\ndata:c\r\r\n')).toEqual([
      { event: 'message', data: 'a\nb', id: undefined },
      { event: 'message', data: 'c', id: undefined },
    ]);
  });

  it('ignores comments, unknown fields, a bad retry and blocks without data', () => {
    const p = new SseParser();
    expect(p.push(': only a comment\n\nevent: x\n\nfoo: bar\nretry: soon\n\n')).toEqual([]);
    expect(p.retryMs).toBeUndefined();
  });
});
