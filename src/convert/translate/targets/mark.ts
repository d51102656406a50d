/**
 * MARK and CONNMARK. The kernel computes `new = (old & ~mask) ^ value`; nft writes that as
 * `old and ~mask xor value` (or simpler forms). CONNMARK --save/--restore-mark with masks
 * also keeps the target's bits outside the mask, which nft 1.0.x cannot express (a binary
 * operation's right side must be a constant): those are approximated, with the lost bits named.
 */
import { arg, ModuleOptions, optRange, type RuleContext, type TargetTranslator } from '../context';
import { raw } from '../nft-build';
import { hexOf, parseUint, parseValueMask, u32 } from '../values';

/** Value/mask as the MARK/CONNMARK targets store them (`--set-mark v/m` also clears v's bits). */
function markOp(o: ModuleOptions, prefix: '' | 'ct', ctx: RuleContext, hexOnly = false): { mark: number; mask: number; node: import('../../ast/iptables').OptionNode } | undefined {
  const pm = (t: string) => (hexOnly ? parseValueMask(/^0x/i.test(t) ? t : `0x${t}`) : parseValueMask(t));
  const xset = o.take('set-xmark');
  const setm = o.take('set-mark');
  const andm = o.take('and-mark');
  const orm = o.take('or-mark');
  const xorm = o.take('xor-mark');
  const node = xset ?? setm ?? andm ?? orm ?? xorm;
  if (!node) return undefined;
  const vm = pm(arg(node));
  if (!vm || ((node === andm || node === orm || node === xorm) && vm.hasMask)) {
    ctx.unsupported(node.range, 'invalid-value', `'${arg(node)}' is not a valid ${prefix ? 'connection ' : ''}mark`);
    return undefined;
  }
  if (node === xset) return { mark: vm.value, mask: vm.mask, node };
  if (node === setm) return { mark: vm.value, mask: u32(vm.hasMask ? vm.mask | vm.value : 0xffffffff), node };
  if (node === andm) return { mark: 0, mask: u32(~vm.value), node };
  if (node === orm) return { mark: vm.value, mask: vm.value, node };
  return { mark: vm.value, mask: 0, node };
}

/** `mark and 0xffff0000 xor 0x2`, or the simpler equivalent forms the reference prints. */
function markExpr(sel: string, mark: number, mask: number): string {
  if (mask === 0xffffffff) return hexOf(mark);
  if (mark === 0) return `${sel} and ${hexOf(~mask)}`;
  if (mark === mask) return `${sel} or ${hexOf(mark)}`;
  if (mask === 0) return `${sel} xor ${hexOf(mark)}`;
  return `${sel} and ${hexOf(~mask)} xor ${hexOf(mark)}`;
}

export const MARK: TargetTranslator = {
  names: ['MARK'],
  families: ['ip', 'ip6', 'inet', 'arp'],
  translate(t, ctx) {
    const o = new ModuleOptions('MARK', t.options, ctx, 'target');
    const op = markOp(o, '', ctx, ctx.family === 'arp');
    o.done();
    if (!op) {
      if (ctx.outcome !== 'unsupported') ctx.unsupported(t.range, 'invalid-value', 'MARK needs --set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark');
      return [];
    }
    return [raw(`meta mark set ${markExpr('mark', op.mark, op.mask)}`, optRange(op.node))];
  },
};

export const CONNMARK: TargetTranslator = {
  names: ['CONNMARK'],
  families: ['ip', 'ip6', 'inet'],
  translate(t, ctx) {
    const o = new ModuleOptions('CONNMARK', t.options, ctx, 'target');
    const save = o.take('save-mark');
    const restore = o.take('restore-mark');
    const nfmaskO = o.take('nfmask');
    const ctmaskO = o.take('ctmask');
    const maskO = o.take('mask');
    const shl = o.take('left-shift-mark');
    const shr = o.take('right-shift-mark');
    const op = save || restore ? undefined : markOp(o, 'ct', ctx);
    o.done();
    const num = (n: typeof nfmaskO) => (n ? parseUint(arg(n)) : undefined);
    const shift = shl ? parseUint(arg(shl), 31) : shr ? parseUint(arg(shr), 31) : 0;
    const shiftText = shift ? ` ) ${shl ? '<<' : '>>'} ${shift}` : '';
    const open = shift ? '( ' : '';
    if (op) {
      // the kernel: ctmark = (ctmark & ~mask) ^ value
      let e: string;
      if (op.mask === 0xffffffff) e = hexOf(op.mark);
      else if (op.mark === 0) e = `ct mark and ${hexOf(~op.mask)}`;
      else if (op.mark === op.mask) e = `ct mark or ${hexOf(op.mark)}`;
      else if (op.mask === 0) e = `ct mark xor ${hexOf(op.mark)}`;
      else e = `ct mark and ${hexOf(~op.mask)} xor ${hexOf(op.mark)}`;
      return [raw(`ct mark set ${open}${e}${shiftText}`, optRange(op.node))];
    }
    const node = save ?? restore;
    if (!node) {
      ctx.unsupported(t.range, 'invalid-value', 'CONNMARK needs --set-xmark/--set-mark/--and-mark/--or-mark/--xor-mark, --save-mark or --restore-mark');
      return [];
    }
    const nfmask = u32(num(nfmaskO) ?? num(maskO) ?? 0xffffffff);
    const ctmask = u32(num(ctmaskO) ?? num(maskO) ?? 0xffffffff);
    const origin = optRange(node);
    if (save) {
      // ctmark = (ctmark & ~ctmask) ^ (nfmark & nfmask)
      const src = nfmask === 0xffffffff ? 'mark' : `mark and ${hexOf(nfmask)}`;
      if (ctmask !== 0xffffffff) {
        ctx.approximate(
          origin,
          'connmark-mask-approximated',
          `CONNMARK --save-mark --ctmask ${hexOf(ctmask)}: the kernel keeps the conntrack mark's bits ${hexOf(~ctmask)} and replaces the others; nft cannot combine two marks in one statement (nft 1.0.x), so \`ct mark set ${src}\` clears bits ${hexOf(~ctmask)} of the conntrack mark instead of keeping them`,
          { lostBits: hexOf(~ctmask) },
        );
      }
      return [raw(`ct mark set ${open}${src}${shiftText}`, origin)];
    }
    // nfmark = (nfmark & ~nfmask) ^ (ctmark & ctmask)
    const src = ctmask === 0xffffffff ? 'ct mark' : `ct mark and ${hexOf(ctmask)}`;
    if (nfmask !== 0xffffffff) {
      ctx.approximate(
        origin,
        'connmark-mask-approximated',
        `CONNMARK --restore-mark --nfmask ${hexOf(nfmask)}: the kernel keeps the packet mark's bits ${hexOf(~nfmask)} and replaces the others; nft cannot combine two marks in one statement (nft 1.0.x), so \`meta mark set ${src}\` clears bits ${hexOf(~nfmask)} of the packet mark instead of keeping them`,
        { lostBits: hexOf(~nfmask) },
      );
    }
    return [raw(`meta mark set ${open}${src}${shiftText}`, origin)];
  },
};
