// TextMate grammar for `ipset save` output and `ipset restore` input.
import { words } from './regex.mjs';

const S = '(?<!\\S)';
const T = '(?!\\S)';
const NAME = '[^\\s"]+';

export const setCommands = {
  create: ['create', 'n', '-N', '--create'],
  reference: ['add', 'a', '-A', '--add', 'del', 'd', '-D', '--del', 'test', 't', '-T', '--test', 'destroy', 'x', '-X', '--destroy', 'list', 'l', '-L', '--list', 'save', 's', '-S', '--save', 'flush', 'f', '-F', '--flush'],
  twoNames: ['rename', 'e', '-E', '--rename', 'swap', 'w', '-W', '--swap'],
  bare: ['restore', 'r', '-R', '--restore', 'help', 'h', '-H', '--help', 'version', 'v', '-V', '--version', 'COMMIT'],
};
export const setTypeMethods = ['hash', 'bitmap', 'list'];
export const setTypeData = ['ip', 'net', 'mac', 'port', 'iface', 'mark', 'set'];
export const createOptions = [
  'family', 'hashsize', 'maxelem', 'bucketsize', 'initval', 'timeout', 'counters', 'comment', 'skbinfo', 'forceadd',
  'netmask', 'markmask', 'range', 'size', 'probes', 'resize',
];
export const elementOptions = ['timeout', 'packets', 'bytes', 'comment', 'nomatch', 'skbmark', 'skbprio', 'skbqueue', 'before', 'after'];
export const globalOptions = ['-exist', '-!', '-output', '-o', '-quiet', '-q', '-resolve', '-r', '-sorted', '-s', '-name', '-n', '-terse', '-t', '-file', '-f'];
const protocols = ['tcp', 'udp', 'udplite', 'sctp', 'icmp', 'icmpv6', 'ipv6-icmp', 'tcpudp', 'esp', 'ah', 'gre', 'vrrp'];

const HEX4 = '[0-9A-Fa-f]{1,4}';
const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
const IPV6 = `(?:(?:${HEX4}:){7}${HEX4}|(?:${HEX4}(?::${HEX4}){0,6})?::(?:(?:${HEX4}:){0,5}(?:${IPV4}|${HEX4}))?)`;

const grammar = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'ipset',
  scopeName: 'source.ipset',
  fileTypes: ['ipset', 'ipset-save'],
  patterns: [
    { include: '#comment' },
    { include: '#create' },
    { include: '#command' },
    { include: '#set-type' },
    { include: '#option' },
    { include: '#string' },
    { include: '#value' },
  ],
  repository: {
    comment: {
      match: '^\\s*(#).*$',
      name: 'comment.line.number-sign.ipset',
      captures: { 1: { name: 'punctuation.definition.comment.ipset' } },
    },
    create: {
      match: `^\\s*(${words(setCommands.create)})(?:\\s+(${NAME}))?${T}`,
      captures: {
        1: { name: 'keyword.control.command.ipset' },
        2: { name: 'entity.name.variable.set.ipset' },
      },
    },
    command: {
      patterns: [
        {
          match: `^\\s*(${words(setCommands.twoNames)})(?:\\s+(${NAME}))?(?:\\s+(${NAME}))?${T}`,
          captures: {
            1: { name: 'keyword.control.command.ipset' },
            2: { name: 'variable.other.set.ipset' },
            3: { name: 'variable.other.set.ipset' },
          },
        },
        {
          match: `^\\s*(${words(setCommands.reference)})(?:\\s+(?!-)(${NAME}))?${T}`,
          captures: {
            1: { name: 'keyword.control.command.ipset' },
            2: { name: 'variable.other.set.ipset' },
          },
        },
        {
          match: `^\\s*(${words(setCommands.bare)})${T}`,
          captures: { 1: { name: 'keyword.control.command.ipset' } },
        },
      ],
    },
    'set-type': {
      // hash:net,port  bitmap:ip,mac  list:set
      match: `${S}(${words(setTypeMethods)})(:)(${words(setTypeData)}(?:,${words(setTypeData)})*)${T}`,
      captures: {
        1: { name: 'support.type.set-type.ipset' },
        2: { name: 'punctuation.separator.set-type.ipset' },
        3: {
          patterns: [
            { match: ',', name: 'punctuation.separator.comma.ipset' },
            { match: '\\w+', name: 'support.type.set-type.ipset' },
          ],
        },
      },
    },
    option: {
      patterns: [
        {
          match: `${S}(family)\\s+(inet6?)${T}`,
          captures: {
            1: { name: 'variable.parameter.option.ipset' },
            2: { name: 'constant.language.family.ipset' },
          },
        },
        {
          // list:set members: add SET MEMBER before|after OTHER
          match: `${S}(before|after)(?:\\s+(${NAME}))?${T}`,
          captures: {
            1: { name: 'variable.parameter.option.ipset' },
            2: { name: 'variable.other.set.ipset' },
          },
        },
        { match: `${S}${words([...createOptions, ...elementOptions])}${T}`, name: 'variable.parameter.option.ipset' },
        { match: `${S}${words(globalOptions)}${T}`, name: 'variable.parameter.option.global.ipset' },
      ],
    },
    string: {
      name: 'string.quoted.double.ipset',
      begin: '"',
      end: '(")|$',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.ipset' } },
      endCaptures: { 1: { name: 'punctuation.definition.string.end.ipset' } },
      patterns: [{ match: '\\\\.', name: 'constant.character.escape.ipset' }],
    },
    value: {
      patterns: [
        {
          match: `(?<![\\w:.])(${IPV6})(?:(/)(\\d{1,3}))?(?![\\w:]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv6.ipset' },
            2: { name: 'punctuation.separator.prefix.ipset' },
            3: { name: 'constant.numeric.integer.ipset' },
          },
        },
        {
          match: '(?<![\\w:.])[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}(?![\\w:])',
          name: 'constant.numeric.mac.ipset',
        },
        {
          match: `(?<![\\w.])(${IPV4})(?:(/)(\\d{1,2}))?(?![\\w]|\\.\\d)`,
          captures: {
            1: { name: 'constant.numeric.ipv4.ipset' },
            2: { name: 'punctuation.separator.prefix.ipset' },
            3: { name: 'constant.numeric.integer.ipset' },
          },
        },
        { match: '(?<![\\w.])0[xX][0-9A-Fa-f]+(?!\\w)', name: 'constant.numeric.hex.ipset' },
        { match: '(?<![\\w.])\\d+(?!\\w)', name: 'constant.numeric.integer.ipset' },
        { match: `(?<![\\w-])${words(['inet', 'inet6'])}(?![\\w-])`, name: 'constant.language.family.ipset' },
        { match: `(?<![\\w-])${words(protocols)}(?=:)`, name: 'constant.language.protocol.ipset' },
        { match: '(?<![\\w-])\\d*[A-Za-z_][\\w.@+-]*', name: 'string.unquoted.ipset' },
        { match: ',', name: 'punctuation.separator.comma.ipset' },
        { match: ':', name: 'punctuation.separator.port.ipset' },
        { match: '-', name: 'keyword.operator.range.ipset' },
        { match: '/', name: 'punctuation.separator.slash.ipset' },
      ],
    },
  },
};

export default grammar;
