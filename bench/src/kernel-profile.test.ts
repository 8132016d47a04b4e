import { describe, expect, it } from 'vitest';
import { formatSplits, layerOf, PerfScriptReader, SAMPLE_EVERY_US, type Frame } from './kernel-profile.ts';

const k = (...syms: string[]): Frame[] => syms.map((sym) => ({ sym, dso: '[kernel.kallsyms]' }));

// Stacks as `perf script -F time,ip,sym,dso` prints them (innermost first), cut short.
const SAMPLES = `
 1000.000100: 
	ffffffff82087d0d tcp_write_xmit ([kernel.kallsyms])
	ffffffff8206dac0 tcp_sendmsg_locked ([kernel.kallsyms])
	ffffffff816d6bc3 ksys_write ([kernel.kallsyms])
	ffffffff8225a6c1 do_syscall_64 ([kernel.kallsyms])
	           f838f __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6)

 1000.000200: 
	ffffffff82091a10 tcp_v4_rcv ([kernel.kallsyms])
	ffffffff81ec1b21 net_rx_action ([kernel.kallsyms])
	ffffffff810a2c4e __local_bh_enable_ip ([kernel.kallsyms])
	ffffffff8206e58b tcp_sendmsg ([kernel.kallsyms])
	ffffffff816d6bc3 ksys_write ([kernel.kallsyms])

 1000.000300: 
	ffffffff81bb1111 pvm_irq_enable ([kernel.kallsyms])
	ffffffff81bb1122 __raw_callee_save_pvm_irq_enable ([kernel.kallsyms])
	ffffffff81e7e46b do_writev ([kernel.kallsyms])

 1000.000400: 
	    7fc7fc1702da [unknown] (/tmp/perf-10236.map)

 1000.000500: 
	ffffffff81234567 do_fsync ([kernel.kallsyms])

 2000.000000: 
	    7fc7fc1702da [unknown] (/tmp/perf-10236.map)
`;

describe('layerOf', () => {
  it('splits the receiving side off the writes it runs inside, and knows reads, fsync and user space', () => {
    expect(layerOf(k('tcp_write_xmit', 'ksys_write'))).toBe('write');
    expect(layerOf(k('tcp_v4_rcv', 'net_rx_action', 'do_softirq', 'tcp_sendmsg', 'ksys_write'))).toBe(
      'loopbackReceive',
    );
    // Softirq work outside a write (an interrupt's exit) is not ours to split.
    expect(layerOf(k('tcp_v4_rcv', 'net_rx_action', 'irq_exit_rcu'))).toBe('otherKernel');
    expect(layerOf(k('ep_poll', 'do_epoll_wait', 'do_syscall_64'))).toBe('read');
    expect(layerOf(k('file_write_and_wait_range', 'do_fsync'))).toBe('fsync');
    expect(layerOf(k('clear_page_erms', 'exc_page_fault'))).toBe('otherKernel');
    expect(layerOf([{ sym: 'uv__try_write', dso: '/usr/bin/node' }, ...k('ksys_write')])).toBe('user');
    expect(layerOf([])).toBe('user');
  });
});

describe('PerfScriptReader', () => {
  it('adds each sample to the window it falls in, as the CPU time between samples', () => {
    const reader = new PerfScriptReader([
      { fromUs: 1000e6, toUs: 1000e6 + 1000 },
      { fromUs: 1500e6, toUs: 1600e6 },
    ]);
    for (const line of SAMPLES.split('\n')) reader.line(line);
    reader.end();
    const [first, empty] = reader.splits;
    const n = SAMPLE_EVERY_US;
    expect(first).toEqual({
      us: { user: n, write: 2 * n, loopbackReceive: n, read: 0, fsync: n, otherKernel: 0 },
      hypercallUs: n,
      totalUs: 5 * n,
    });
    // The sample at 2000 s is in no window.
    expect(empty!.totalUs).toBe(0);
  });

  it('prints microseconds per unit of work for each row', () => {
    const reader = new PerfScriptReader([{ fromUs: 0, toUs: 3000e6 }]);
    for (const line of SAMPLES.split('\n')) reader.line(line);
    reader.end();
    const units = SAMPLE_EVERY_US / 2; // 2 us per sample and unit
    const table = formatSplits(
      [{ label: '100,000/s', split: reader.splits[0]!, units }],
      'offered',
      'delivery',
    );
    expect(table).toContain('| 100,000/s | 12.00 | 4.00 | 4.00 | 2.00 | 0.00 | 2.00 | 0.00 | 2.00 |');
  });
});
