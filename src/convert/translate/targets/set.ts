/**
 * SET (ipset's xt_SET target) → `add @NAME { KEY }`, `update @NAME { KEY }` (--exist: an entry
 * already there gets its timeout back), `delete @NAME { KEY }`. Like the target, the statement
 * lets the packet go on through the chain. The set is declared dynamic (see prescan.ts).
 */
import { arg, ModuleOptions, optRange, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { ipsetUse } from '../ipset-use';
import { parseUint } from '../values';

export const SET: TargetTranslator = {
  names: ['SET'],
  families: ['ip', 'ip6', 'inet', 'bridge'],
  translate(t, ctx) {
    const o = new ModuleOptions('SET', t.options, ctx, 'target');
    const add = o.take('add-set');
    const del = o.take('del-set');
    const map = o.take('map-set');
    const timeout = o.take('timeout');
    const exist = o.take('exist');
    const mapped = o.takeAll('map-mark', 'map-prio', 'map-queue');
    o.done();
    if (map || mapped.length) {
      const at = map ?? mapped[0]!;
      ctx.unsupported(optRange(at), 'unsupported-option', `${at.flag.text}: ipset's skbinfo (mark, priority, queue stored with each element) has no nft set counterpart; declare an nft map and use \`meta mark set ip saddr map @NAME\``);
      return [];
    }
    const op = add ?? del;
    if (!op || (add && del)) {
      ctx.unsupported(t.name.range, 'invalid-value', 'SET needs exactly one of --add-set and --del-set');
      return [];
    }
    const use = ipsetUse(op, ctx, 'target');
    if (!use) return [];
    let after = '';
    if (timeout) {
      const secs = parseUint(arg(timeout));
      if (secs === undefined) {
        ctx.unsupported(optRange(timeout), 'invalid-value', `--timeout needs a number of seconds, not '${arg(timeout)}'`);
        return [];
      }
      if (del) ctx.note(optRange(timeout), 'target-option-dropped', '--timeout only applies to --add-set');
      else if (!use.timeouts) ctx.approximate(optRange(timeout), 'target-option-dropped', `ipset ${arg(op, 0)} was created without timeout support, so its entries cannot expire: --timeout dropped`, { set: arg(op, 0) });
      else if (secs > 0) after = ` timeout ${secs}s`;
    }
    const verb = del ? 'delete' : exist ? 'update' : 'add';
    return [raw(`${verb} @${use.nftName} { ${use.key}${after} }`, optRange(op))];
  },
};
