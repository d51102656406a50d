/**
 * CT and NOTRACK: `notrack`, `ct zone set N`, and `ct helper set "NAME"` with the `ct helper`
 * object declared in the table (the reference translates only --notrack).
 */
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type TargetTranslator } from '../context';
import { lit, raw, str } from '../nft-build';
import { parseUint } from '../values';

/** The layer-4 protocol each kernel helper tracks. */
const HELPER_PROTO: Record<string, string> = {
  ftp: 'tcp', irc: 'tcp', sip: 'udp', tftp: 'udp', amanda: 'udp', h323: 'tcp', 'RAS': 'udp', 'Q.931': 'tcp',
  pptp: 'tcp', 'netbios-ns': 'udp', snmp: 'udp', sane: 'tcp',
};

const CT_EVENTS = ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'label'];

export const NOTRACK: TargetTranslator = {
  names: ['NOTRACK'],
  translate(t, ctx) {
    new ModuleOptions('NOTRACK', t.options, ctx, 'target').done();
    return [raw('notrack', t.range)];
  },
};

export const CT: TargetTranslator = {
  names: ['CT'],
  translate(t, ctx) {
    const o = new ModuleOptions('CT', t.options, ctx, 'target');
    const notrack = o.take('notrack');
    const zone = o.take('zone');
    const zoneOrig = o.take('zone-orig');
    const zoneReply = o.take('zone-reply');
    const helper = o.take('helper');
    const events = o.take('ctevents');
    const expevents = o.take('expevents');
    const timeout = o.take('timeout');
    o.done();
    if (notrack) return [raw('notrack', optRange(notrack))];
    const out: Stmt[] = [];
    for (const [z, dir] of [[zone, ''], [zoneOrig, 'original '], [zoneReply, 'reply ']] as const) {
      if (!z) continue;
      const v = arg(z);
      if (v === 'mark') {
        out.push(raw(`ct ${dir}zone set mark`, optRange(z)));
        continue;
      }
      const n = parseUint(v, 65535);
      if (n === undefined) {
        ctx.unsupported(z.range, 'invalid-value', `'${v}' is not a conntrack zone (0-65535 or mark)`);
        return [];
      }
      out.push(raw(`ct ${dir}zone set ${n}`, optRange(z)));
    }
    if (helper) {
      const name = arg(helper);
      const proto = ctx.protocol?.number === 6 ? 'tcp' : ctx.protocol?.number === 17 ? 'udp' : HELPER_PROTO[name] ?? 'tcp';
      const objName = `${name}-${proto}`.replace(/[^A-Za-z0-9_.-]/g, '_');
      const l3 = ctx.l3 === 'ip6' ? 'ip6' : ctx.family === 'inet' ? 'inet' : 'ip';
      ctx.services.declare({
        kind: 'object',
        objType: 'ct helper',
        name: objName,
        body: [
          [{ key: 'type', value: str(name) }, { key: 'protocol', value: lit(proto) }],
          [{ key: 'l3proto', value: lit(l3) }],
        ],
        origin: helper.range,
      });
      out.push(raw(`ct helper set "${objName}"`, optRange(helper)));
      if (ctx.table === 'raw') {
        ctx.approximate(
          optRange(helper),
          'target-option-dropped',
          `CT --helper ${name} → ct helper set "${objName}": nft assigns helpers only after conntrack (chain priority above -200), but this raw-table chain runs at -300 where it has no effect; move this rule to a prerouting/output chain with priority filter`,
          { helperInRaw: true },
        );
      }
    }
    if (events) {
      const ev = arg(events).split(',').map((e) => e.toLowerCase());
      if (ev.some((e) => !CT_EVENTS.includes(e))) {
        ctx.unsupported(events.range, 'invalid-value', `'${arg(events)}' is not a list of conntrack events`);
        return [];
      }
      out.push(raw(`ct event set ${ev.join(',')}`, optRange(events)));
    }
    if (expevents) ctx.approximate(expevents.range, 'target-option-dropped', '--expevents dropped: nft cannot filter expectation events');
    if (timeout) {
      ctx.unsupported(timeout.range, 'unsupported-option', `--timeout ${arg(timeout)}: declare a \`ct timeout\` object with the policy from nfct and use \`ct timeout set "name"\``);
      return [];
    }
    return out;
  },
};
