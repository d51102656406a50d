/**
 * Stable diagnostic codes of the iptables-family parsers and analysis, with a one-line
 * description each. Codes never change meaning once released; add new ones at the end.
 */
export const IPTABLES_CODES = {
  // Syntax (parser)
  'unexpected-character': 'The lexer met a character it cannot start a token with.',
  'unterminated-quote': 'A quoted string is not closed before the end of the line.',
  'unexpected-token': 'The line does not have the shape of a table header, chain declaration, COMMIT or command.',
  'missing-table-name': 'A `*` table header without a table name.',
  'invalid-chain-declaration': 'A `:NAME POLICY [pkts:bytes]` line is incomplete or has extra words.',
  'invalid-counters': 'Counters are not two decimal numbers (`[pkts:bytes]` or `-c pkts bytes`).',
  'missing-command': 'A line has options but no command such as -A, -I, -N or -P.',
  'multiple-commands': 'A line has more than one command.',
  'missing-chain': 'A command needs a chain name.',
  'missing-argument': 'An option, command or module is missing a required argument.',
  'unexpected-argument': 'A word that is not the argument of any option.',
  'misplaced-negation': '`!` is not followed by an option that can be negated.',
  'multiple-targets': 'More than one -j/-g in a rule.',
  'table-option-in-file': '`-t` is not allowed inside an iptables-restore file; use a `*table` header.',
  'chain-outside-table': 'A chain declaration before any `*table` header.',
  'commit-outside-table': 'COMMIT without an open table.',
  // Analysis
  'missing-commit': 'A table is not closed with COMMIT, so iptables-restore would not apply it.',
  'rule-outside-table': 'A command appears before any `*table` header.',
  'undefined-chain': 'A rule is added to, or a jump or goto names, a chain that is not declared in the table and is neither built in nor a target.',
  'jump-to-builtin-chain': 'A jump or goto names a built-in chain, which iptables refuses.',
  'duplicate-chain': 'A chain is declared or created twice in the same table.',
  'unknown-table': 'The table name is not one of the tables of this family.',
  'unknown-match-module': 'The match module is not known to Netfilter Lens (it may still exist in the kernel).',
  'unknown-target-module': 'The target is not known to Netfilter Lens and is not a chain of the table.',
  'unknown-option': 'The option belongs to no loaded module and is not a core option.',
  'option-without-module': 'The option belongs to a module that the rule does not load (e.g. --dport without -p tcp).',
  'duplicate-option': 'The same option is given twice in one rule or module.',
  'unreachable-rule': 'The rule comes after an unconditional terminal verdict in the same chain and never sees a packet.',
  'unused-chain': 'A user-defined chain that no rule jumps to.',
  'chain-name-too-long': 'The chain name is longer than the kernel accepts for this family.',
  'user-chain-policy': 'Only built-in chains have a policy (except in ebtables).',
  'invalid-policy': 'The policy is not one the chain can have.',
  'invalid-address': 'An address literal is not a valid address of this family.',
  'invalid-port': 'A port or port range literal is out of range or malformed.',
  'target-not-allowed-in-table': 'The target only works in other tables (e.g. DNAT outside nat).',
  'not-allowed-in-chain': 'The match or target only works in some built-in chains (e.g. -m owner in OUTPUT/POSTROUTING, DNAT in PREROUTING/OUTPUT).',
  'needs-protocol': 'The option needs a protocol match first (REJECT --reject-with tcp-reset without -p tcp, NAT to a port without -p tcp/udp/sctp/dccp).',
} as const;

export type IptablesCode = keyof typeof IPTABLES_CODES;
