/** Public API of the ipset parser and analysis. */
export * from './ast';
export { parseIpset, ipsetLexer } from './parser';
export { analyzeIpset } from './analysis';
export { IPSET_CODES, type IpsetCode } from './codes';
export { IPSET_TYPES, ipsetType, CREATE_OPTIONS, ENTRY_OPTIONS, type IpsetTypeSpec } from './types';
