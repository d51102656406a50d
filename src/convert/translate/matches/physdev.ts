/**
 * -m physdev: bridge ports seen through br_netfilter. The ip/ip6 families cannot see them; a
 * bridge-family table can (`iifname`/`oifname` are the bridge ports there). With
 * `--physdev bridge` the rule is rewritten into that table; otherwise it is kept as a comment.
 */
import type { Stmt } from '../../ast/nft';
import { arg, ModuleOptions, optRange, type MatchTranslator } from '../context';
import { ifnameStmt } from '../core';
import { raw } from '../nft-build';

export const physdev: MatchTranslator = {
  names: ['physdev'],
  translate(m, ctx) {
    const o = new ModuleOptions('physdev', m.options, ctx);
    const pin = o.take('physdev-in');
    const pout = o.take('physdev-out');
    const isIn = o.take('physdev-is-in');
    const isOut = o.take('physdev-is-out');
    const isBridged = o.take('physdev-is-bridged');
    o.done();
    const ports = [pin && `--physdev-in ${arg(pin)}`, pout && `--physdev-out ${arg(pout)}`].filter(Boolean).join(' ');
    if (ctx.options.physdev !== 'bridge' || ctx.dialect === 'ebtables') {
      if (ctx.dialect === 'ebtables') {
        ctx.unsupported(m.range, 'physdev-unsupported', '-m physdev in a bridge table: use iifname/oifname directly');
        return [];
      }
      ctx.unsupported(
        m.range,
        'physdev-unsupported',
        `-m physdev${ports ? ` (${ports})` : ''} has no equivalent in the ${ctx.family} family: nft ip/ip6 tables cannot see bridge ports. Native alternative: a bridge-family table matching the port with ${pin ? `iifname "${arg(pin)}"` : pout ? `oifname "${arg(pout)}"` : 'iifname/oifname'} (or meta ibrname/obrname when the bridge name suffices); convert with --physdev bridge to emit it`,
        { in: pin ? arg(pin) : undefined, out: pout ? arg(pout) : undefined },
      );
      return [];
    }
    ctx.bridgeRewrite = true;
    ctx.note(m.range, 'physdev-bridge-rewrite', `-m physdev${ports ? ` (${ports})` : ''} rewritten into the bridge-family table, where the bridge ports are iifname/oifname`);
    const out: Stmt[] = [];
    if (pin) {
      const s = ifnameStmt('iifname', arg(pin), pin.negated, optRange(pin));
      if (s) out.push(s);
    }
    if (pout) {
      const s = ifnameStmt('oifname', arg(pout), pout.negated, optRange(pout));
      if (s) out.push(s);
    }
    if (isIn) out.push(raw(`iifname ${isIn.negated ? '==' : '!='} ""`, optRange(isIn)));
    if (isOut) out.push(raw(`oifname ${isOut.negated ? '==' : '!='} ""`, optRange(isOut)));
    if (isBridged?.negated) {
      ctx.unsupported(isBridged.range, 'physdev-unsupported', '! --physdev-is-bridged (routed, not bridged traffic) cannot be tested in a bridge table; keep this rule in the ip family without physdev');
      return [];
    }
    return out;
  },
};
