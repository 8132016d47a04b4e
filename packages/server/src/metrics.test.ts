import { describe, expect, it } from 'vitest';
import { Metrics } from './metrics.ts';

describe('Metrics', () => {
  it('renders counters, the commit histogram and the gauges in Prometheus text format', () => {
    const m = new Metrics();
    m.connections = 3;
    m.observeCommit(0.002, 40);
    m.observeCommit(0.2, 10);
    m.observeFanout(0.012, 0.01, 1000);
    m.observeFanout(0.003, 0.002, 200);
    const text = m.render();
    expect(text).toContain('segmentchat_connections 3\n');
    expect(text).toContain('segmentchat_messages_total 50\n');
    expect(text).toContain('segmentchat_store_commit_seconds_bucket{le="0.0025"} 1\n');
    expect(text).toContain('segmentchat_store_commit_seconds_bucket{le="0.25"} 2\n');
    expect(text).toContain('segmentchat_store_commit_seconds_count 2\n');
    expect(text).toContain('segmentchat_fanout_seconds_bucket{le="0.005"} 1\n');
    expect(text).toContain('segmentchat_fanout_seconds_bucket{le="0.025"} 2\n');
    expect(text).toContain('segmentchat_fanout_seconds_count 2\n');
    expect(text).toContain('segmentchat_fanout_writes_total 1200\n');
    expect(text).toContain('segmentchat_fanout_write_seconds_total 0.012\n');
    expect(text).toMatch(/segmentchat_messages_per_second \d/);
    for (const line of text.trim().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [\d.e+-]+)$/);
  });
});
