/** Stable diagnostic codes of the ipset parser and analysis, one line each. */
export const IPSET_CODES = {
  // Syntax (parser)
  'ipset-unexpected-character': 'The lexer met a character it cannot start a token with.',
  'ipset-unterminated-quote': 'A quoted string is not closed before the end of the line.',
  'ipset-unknown-command': 'The line does not start with an ipset command (create, add, del, flush, destroy, swap, rename...).',
  'ipset-missing-argument': 'A command or option is missing its argument (set name, type, element, value).',
  'ipset-unknown-type': 'The set type is not one ipset knows (hash:net, hash:ip,port, list:set...).',
  'ipset-unknown-option': 'The word is not an option of this command.',
  'ipset-invalid-value': 'An option value is malformed (family other than inet/inet6, non-numeric size...).',
  // Analysis
  'ipset-undeclared-set': 'The command names a set that is not created earlier in the file.',
  'ipset-duplicate-set': 'A set is created twice (without -exist, or with a different type).',
  'ipset-element-mismatch': 'The element does not fit the set type (number of parts, address family, malformed part).',
  'ipset-option-not-enabled': 'An element option needs a create option the set does not have (timeout, counters, comment, skbinfo), or nomatch on a type without networks.',
  'ipset-missing-range': 'A bitmap set needs a range.',
} as const;

export type IpsetCode = keyof typeof IPSET_CODES;
