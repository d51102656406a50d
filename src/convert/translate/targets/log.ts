/** LOG, NFLOG, AUDIT: the nft `log` statement. */
import { arg, ModuleOptions, optRange, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { parseUint } from '../values';
import { logLevel } from '../matches/ebtables';

function prefixText(t: string): string {
  return t.replace(/"/g, "'");
}

export const LOG: TargetTranslator = {
  names: ['LOG'],
  translate(t, ctx) {
    const o = new ModuleOptions('LOG', t.options, ctx, 'target');
    const level = o.take('log-level');
    const prefix = o.take('log-prefix');
    const seq = o.take('log-tcp-sequence');
    const opts = o.take('log-tcp-options');
    const ipopts = o.take('log-ip-options');
    const uid = o.take('log-uid');
    const mac = o.take('log-macdecode');
    o.done();
    const parts = ['log'];
    if (prefix) {
      if (arg(prefix).includes('"')) ctx.note(optRange(prefix), 'comment-quote-replaced', 'nft strings cannot contain a double quote: replaced by a single quote');
      parts.push(`prefix "${prefixText(arg(prefix))}"`);
    }
    if (level) {
      const lv = logLevel(arg(level));
      if (!lv) {
        ctx.unsupported(level.range, 'invalid-value', `'${arg(level)}' is not a syslog level`);
        return [];
      }
      if (lv !== 'warn') parts.push(`level ${lv}`);
    }
    if (seq && opts && ipopts && uid && mac) parts.push('flags all');
    else {
      if (seq || opts) parts.push(`flags tcp ${[seq && 'sequence', opts && 'options'].filter(Boolean).join(',')}`);
      if (ipopts) parts.push('flags ip options');
      if (uid) parts.push('flags skuid');
      if (mac) parts.push('flags ether');
    }
    return [raw(parts.join(' '), t.range)];
  },
};

export const NFLOG: TargetTranslator = {
  names: ['NFLOG'],
  translate(t, ctx) {
    const o = new ModuleOptions('NFLOG', t.options, ctx, 'target');
    const group = o.take('nflog-group');
    const prefix = o.take('nflog-prefix');
    const size = o.take('nflog-size');
    const range = o.take('nflog-range');
    const threshold = o.take('nflog-threshold');
    o.done();
    const parts = ['log'];
    if (prefix) parts.push(`prefix "${prefixText(arg(prefix))}"`);
    if (size) parts.push(`snaplen ${parseUint(arg(size)) ?? 0}`);
    if (range && !size) ctx.approximate(range.range, 'log-option-dropped', '--nflog-range was never used by the kernel; use --nflog-size (snaplen)');
    if (threshold) {
      const n = parseUint(arg(threshold));
      if (n !== undefined && n !== 1) parts.push(`queue-threshold ${n}`);
    }
    parts.push(`group ${group ? parseUint(arg(group)) ?? 0 : 0}`);
    return [raw(parts.join(' '), t.range)];
  },
};

export const AUDIT: TargetTranslator = {
  names: ['AUDIT'],
  translate(t, ctx) {
    const o = new ModuleOptions('AUDIT', t.options, ctx, 'target');
    o.take('type');
    o.done();
    return [raw('log level audit', t.range)];
  },
};
