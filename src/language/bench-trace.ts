/**
 * Step timings for the conversion benchmark (the conversion view, and the language analysis it
 * competes with): when NFLENS_BENCH=1 (set only by bench/conversion-view.bench.ts), each step
 * goes to the console the harness prints, stamped with the extension host's clock so the
 * benchmark can line them up with its own marks, and with the monotonic clock in microseconds
 * (the time base of V8 CPU profiles).
 */
const TRACE = process.env.NFLENS_BENCH === '1';

export function benchTrace(msg: string): void {
  if (TRACE) console.log(`[bench-trace ${performance.now().toFixed(0)} @${process.hrtime.bigint() / 1000n}] ${msg}`);
}
