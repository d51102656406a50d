/** -m time: `meta time "date"-"date"`, `meta hour "hh:mm:ss"-"hh:mm:ss"`, `meta day { ... }`. */
import type { OptionNode } from '../../ast/iptables';
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator, type RuleContext } from '../context';
import { raw } from '../nft-build';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** YYYY[-MM[-DD[Thh[:mm[:ss]]]]] (UTC) → seconds since the epoch. */
function parseDate(t: string): number | undefined {
  const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?)?)?)?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2] ?? '1', m[3] ?? '1', m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as number[];
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) / 1000;
}

function dateText(secs: number): string {
  const d = new Date(secs * 1000);
  return `"${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}"`;
}

function parseDaytime(t: string): number | undefined {
  const m = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?$/.exec(t);
  if (!m) return undefined;
  const v = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
  return v < 86400 ? v : undefined;
}

function daytimeText(v: number): string {
  return `"${pad(Math.floor(v / 3600))}:${pad(Math.floor(v / 60) % 60)}:${pad(v % 60)}"`;
}

const DAYS: Record<string, number> = { mon: 1, mo: 1, tue: 2, tu: 2, wed: 3, we: 3, thu: 4, th: 4, fri: 5, fr: 5, sat: 6, sa: 6, sun: 7, su: 7 };

function bad(o: OptionNode, ctx: RuleContext, what: string): Stmt[] {
  ctx.unsupported(o.range, 'invalid-value', `'${arg(o)}' is not ${what}`);
  return [];
}

export const time: MatchTranslator = {
  names: ['time'],
  translate(m, ctx) {
    const o = new ModuleOptions('time', m.options, ctx);
    const dstart = o.take('datestart');
    const dstop = o.take('datestop');
    const tstart = o.take('timestart');
    const tstop = o.take('timestop');
    const wdays = o.take('weekdays');
    const mdays = o.take('monthdays');
    const kerneltz = o.take('kerneltz');
    const localtz = o.take('localtz');
    const contiguous = o.take('contiguous');
    o.done();
    const out: Stmt[] = [];
    if (mdays) {
      ctx.unsupported(mdays.range, 'unsupported-option', '--monthdays: nft has meta day (weekday) but no day-of-month selector');
      return [];
    }
    if (contiguous) ctx.approximate(contiguous.range, 'match-option-dropped', '--contiguous dropped: nft meta hour ranges do not span midnight');
    if (!(kerneltz || localtz) && (dstart || dstop || tstart || tstop || wdays)) {
      // xt_time works in UTC unless --kerneltz; nft converts its times with the local zone at load time
      ctx.approximate(m.range, 'match-option-dropped', 'iptables -m time uses UTC (no --kerneltz); nft reads meta time/hour/day in the local time zone of the host when the ruleset is loaded: identical only on hosts running in UTC');
    }
    if (dstart || dstop) {
      const a = dstart ? parseDate(arg(dstart)) : 0;
      const b = dstop ? parseDate(arg(dstop)) : 2147483647;
      if (a === undefined) return bad(dstart!, ctx, 'a date YYYY[-MM[-DD[Thh[:mm[:ss]]]]]');
      if (b === undefined) return bad(dstop!, ctx, 'a date YYYY[-MM[-DD[Thh[:mm[:ss]]]]]');
      out.push(raw(`meta time ${dateText(a)}-${dateText(b)}`, optRange((dstart ?? dstop)!)));
    }
    if (tstart || tstop) {
      const a = tstart ? parseDaytime(arg(tstart)) : 0;
      const b = tstop ? parseDaytime(arg(tstop)) : 86399;
      if (a === undefined) return bad(tstart!, ctx, 'a time hh:mm[:ss]');
      if (b === undefined) return bad(tstop!, ctx, 'a time hh:mm[:ss]');
      out.push(raw(`meta hour ${daytimeText(a)}-${daytimeText(b)}`, optRange((tstart ?? tstop)!)));
    }
    if (wdays) {
      const days = new Set<number>();
      for (const d of arg(wdays).split(',')) {
        const n = DAYS[d.toLowerCase()] ?? (/^[1-7]$/.test(d) ? Number(d) : undefined);
        if (n === undefined) return bad(wdays, ctx, 'a list of weekdays (Mon,Tue,... or 1-7)');
        days.add(n);
      }
      let set = [1, 2, 3, 4, 5, 6, 7].filter((d) => days.has(d));
      if (wdays.negated) set = [1, 2, 3, 4, 5, 6, 7].filter((d) => !days.has(d));
      const vals = set.map((d) => d % 7);
      out.push(raw(`meta day ${vals.length > 1 ? `{ ${vals.join(', ')} }` : vals[0]}`, optRange(wdays)));
    }
    return out;
  },
};
