/** -m comment: becomes the nft rule comment (nft strings have no escapes). */
import { arg, ModuleOptions, optRange, type MatchTranslator } from '../context';

/** nft refuses comments longer than 128 bytes (NFT_USERDATA_MAXLEN) including the terminator. */
const MAX_COMMENT_BYTES = 127;

export const comment: MatchTranslator = {
  names: ['comment'],
  translate(m, ctx) {
    const o = new ModuleOptions('comment', m.options, ctx);
    const c = o.take('comment');
    o.done();
    if (!c) return [];
    let text = arg(c);
    if (text.includes('"')) {
      text = text.replace(/"/g, "'");
      ctx.note(optRange(c), 'comment-quote-replaced', 'nft strings cannot contain a double quote: replaced by a single quote');
    }
    if (Buffer.byteLength(text, 'utf8') > MAX_COMMENT_BYTES) {
      let cut = text;
      while (Buffer.byteLength(cut, 'utf8') > MAX_COMMENT_BYTES) cut = cut.slice(0, -1);
      ctx.note(optRange(c), 'comment-truncated', `nft comments hold at most ${MAX_COMMENT_BYTES} bytes: cut after "${cut.slice(-20)}"`);
      text = cut;
    }
    // several -m comment: nft keeps one comment per rule, so they are joined
    ctx.comment = ctx.comment ? { text: `${ctx.comment.text}; ${text}`, origin: ctx.comment.origin } : { text, origin: optRange(c) };
    return [];
  },
};
