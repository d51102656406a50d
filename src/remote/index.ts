// The remote layer: namespaces and rulesets of a node, read locally or over SSH. No vscode here.
export * from './runner';
export * from './errors';
export * from './command-line';
export * from './namespaces';
export * from './rulesets';
export * from './known-hosts';
export * from './ssh-config';
export * from './ssh-runner';
export * from './local-runner';
export * from './hosts';
export * from './outline';
