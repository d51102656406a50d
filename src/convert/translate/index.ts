/**
 * The converter: iptables / ip6tables / ebtables / arptables (+ ipset) → native nft.
 *
 * - `convertFiles(inputs, opts)`: whole dumps → one ruleset (`ruleset` or `script` style,
 *   `--merge inet`, `--physdev bridge`, counters), with an outcome per input rule
 *   (translated / approximated / unsupported), its output range, and diagnostics.
 * - `translateCommandLine(args, dialect)`: one command in iptables-translate form → the lines
 *   iptables 1.8.11's *-translate tools print.
 * - `streamLargeDump` / `convertLargeDump`: the same for huge dumps, chunk by chunk.
 * - `ipsetsFromFile(parseIpset(text))`: the sets an `ipset save` dump declares.
 *
 * Translators live in matches/ and targets/ (one module per extension), registered in
 * registry.ts; core options in core.ts; the rule walk in rule.ts; codes in codes.ts.
 */
export { convertFiles, Converter, bridgeTableName, type ConversionResult, type ConvertFileOptions, type ConvertInput, type FileDiagnostic, type RuleOutcome, type SourceMapEntry } from './convert';
export { translateCommandLine, type CommandOptions, type CommandTranslation } from './command';
export { convertLargeDump, streamLargeDump, type StreamSinks } from './chunked';
export { ipsetsFromFile, catalogOf, setDeclOf, type IpsetInfo, type IpsetCatalog } from './sets';
export { TRANSLATE_CODES, type TranslateCode } from './codes';
export type { ConvertOptions, Outcome } from './context';
export { registeredNames } from './registry';
