/**
 * SET (ipset's xt_SET target) → `add @NAME { KEY }`, `update @NAME { KEY }` (--exist: an entry
 * already there gets its timeout back), `delete @NAME { KEY }`. Like the target, the statement
 * lets the packet go on through the chain. The set is declared dynamic (see prescan.ts).
 */
import { arg, ModuleOptions, optRange, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { dimensionsOf, inferredUpdatedSet, nftSetName, nftTypeOf, selectorsOf, setDeclOf, type Dimension } from '../sets';
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
    const name = arg(op, 0);
    const flags = arg(op, 1).split(',').map((f) => f.toLowerCase());
    if (!name || flags.some((f) => f !== 'src' && f !== 'dst')) {
      ctx.unsupported(optRange(op), 'invalid-value', `${op.flag.text} needs a set name and src/dst flags, not '${arg(op, 0)} ${arg(op, 1)}'`);
      return [];
    }
    const v6 = ctx.l3 === 'ip6';
    const info = ctx.services.ipsets.get(name);
    let dims: Dimension[];
    let bitmapPort = false;
    let timeouts = true;
    if (info) {
      const d = dimensionsOf(info.type);
      if (!d) {
        ctx.unsupported(optRange(op), 'ipset-unsupported-type', `ipset ${name} is of type ${info.type}, which has no nft set equivalent`, { set: name });
        return [];
      }
      dims = d;
      bitmapPort = info.type.startsWith('bitmap:') && d[0] === 'port';
      if ((info.family === 'inet6') !== v6 && dims.some((x) => x === 'ip' || x === 'net')) {
        ctx.unsupported(optRange(op), 'ipset-type-mismatch', `ipset ${name} holds ${info.family === 'inet6' ? 'IPv6' : 'IPv4'} addresses but the rule is ${v6 ? 'IPv6' : 'IPv4'}`, { set: name });
        return [];
      }
      const { decl, problems } = setDeclOf(info, info.range, true);
      if (!decl) return [];
      if (decl.flags?.includes('interval')) {
        ctx.unsupported(
          optRange(op),
          'unsupported-option',
          `ipset ${name} holds ranges or prefixes, so its nft set has intervals, and nft cannot add to or delete from such a set from the packet path; keep the addresses this rule records in a set of their own (hash:ip)`,
          { set: name },
        );
        return [];
      }
      for (const p of problems) ctx.approximate(optRange(op), 'ipset-option-dropped', `ipset ${name}: ${p}`, { set: name });
      ctx.services.declare(decl);
      timeouts = !!decl.flags?.includes('timeout');
    } else {
      dims = flags.map(() => 'ip');
      ctx.approximate(
        optRange(op),
        'ipset-not-found',
        `ipset ${name} is not in any ipset dump given: declared as an empty dynamic set of type ${nftTypeOf(dims, v6).join(' . ')}; give the \`ipset save\` output (--ipset FILE) to declare it as it is`,
        { set: name },
      );
      ctx.services.declare(inferredUpdatedSet(name, dims, v6, optRange(op)));
    }
    if (flags.length < dims.length) {
      ctx.unsupported(optRange(op), 'ipset-type-mismatch', `ipset ${name} has ${dims.length} dimensions but the rule gives ${flags.length} flags`, { set: name });
      return [];
    }
    let after = '';
    if (timeout) {
      const secs = parseUint(arg(timeout));
      if (secs === undefined) {
        ctx.unsupported(optRange(timeout), 'invalid-value', `--timeout needs a number of seconds, not '${arg(timeout)}'`);
        return [];
      }
      if (del) ctx.note(optRange(timeout), 'target-option-dropped', '--timeout only applies to --add-set');
      else if (!timeouts) ctx.approximate(optRange(timeout), 'target-option-dropped', `ipset ${name} was created without timeout support, so its entries cannot expire: --timeout dropped`, { set: name });
      else if (secs > 0) after = ` timeout ${secs}s`;
    }
    const key = dims.flatMap((d, i) => selectorsOf(d, flags[i] as 'src' | 'dst', v6, bitmapPort)).join(' . ');
    const verb = del ? 'delete' : exist ? 'update' : 'add';
    return [raw(`${verb} @${nftSetName(name, optRange(op), ctx)} { ${key}${after} }`, optRange(op))];
  },
};
