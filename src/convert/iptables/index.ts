/** Public API of the iptables-family parsers (iptables, ip6tables, ebtables, arptables). */
export { parseIptablesSave, parseIptablesArgs, type ParseOptions, type ArgsParseResult, type OpenTable } from './parser';
export { printIptablesSave, printCommand, printRule, quoteWord } from './printer';
export { analyzeIptables, type AnalyzeOptions } from './analysis';
export { addressProblem, macProblem, portRangeProblem, portListProblem, isIPv4, isIPv6, isMac } from './literals';
export { IPTABLES_CODES, type IptablesCode } from './codes';
export * from './modules';
export {
  TABLES,
  STANDARD_VERDICTS,
  coreOption,
  coreOptions,
  coreOptionNames,
  commandSpec,
  isBuiltinChain,
  maxChainNameLength,
  implicitProtocolModule,
  type CoreOptionSpec,
  type CommandSpec,
} from './dialects';
