// Conversion summary webview: renders the model the extension posts, sends back clicks and
// option changes, and answers "report" with the counts it shows (read from its own DOM).
(function () {
  const vscode = acquireVsCodeApi();
  const root = document.getElementById('root');
  const useElements = document.body.dataset.elements === '1';
  let model;

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k in el && typeof v !== 'string') el[k] = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  function checkbox(label, checked, onChange) {
    if (useElements) {
      const cb = h('vscode-checkbox', { label, checked });
      cb.addEventListener('change', () => onChange(cb.checked));
      return cb;
    }
    const input = h('input', { type: 'checkbox', checked, onchange: () => onChange(input.checked) });
    return h('label', { class: 'native-check' }, input, ' ', label);
  }

  function select(value, options, onChange) {
    if (useElements) {
      const s = h('vscode-single-select', {}, options.map(([v, l]) => h('vscode-option', { value: v, selected: v === value }, l)));
      s.addEventListener('change', () => onChange(s.value));
      return s;
    }
    const s = h('select', { onchange: () => onChange(s.value) }, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    return s;
  }

  function button(label, onClick) {
    return useElements ? h('vscode-button', { secondary: true, onclick: onClick }, label) : h('button', { onclick: onClick }, label);
  }

  function section(title, body, open) {
    if (useElements) return h('vscode-collapsible', { title, open }, h('div', { class: 'section-body' }, body));
    return h('details', { open }, h('summary', {}, title), h('div', { class: 'section-body' }, body));
  }

  function setOption(name, value) {
    vscode.postMessage({ type: 'option', name, value });
  }

  function countCells(c) {
    return [
      h('td', { class: 'num', dataset: { k: 'rules' } }, c.rules),
      h('td', { class: 'num translated', dataset: { k: 'translated' } }, c.translated),
      h('td', { class: 'num approximated', dataset: { k: 'approximated' } }, c.approximated),
      h('td', { class: 'num unsupported', dataset: { k: 'unsupported' } }, c.unsupported),
    ];
  }

  function reveal(file, line) {
    if (file !== undefined && line !== undefined) vscode.postMessage({ type: 'reveal', file, line });
  }

  function render() {
    if (!model) return;
    const s = model.summary;
    const o = model.options;
    const multiFile = model.sources.length > 1;
    const sourceLabel = (uri) => (model.sources.find((x) => x.uri === uri) || { label: '' }).label;

    const totals = h('div', { class: 'totals', id: 'totals', dataset: { rules: s.rules, translated: s.translated, approximated: s.approximated, unsupported: s.unsupported } },
      h('span', { class: 'total' }, `${s.rules} rules`),
      h('span', { class: 'badge translated' }, `${s.translated} translated`),
      h('span', { class: 'badge approximated' }, `${s.approximated} approximated`),
      h('span', { class: 'badge unsupported' }, `${s.unsupported} unsupported`));

    const controls = h('div', { class: 'controls' },
      h('label', { class: 'field' }, 'Style ', select(o.style, [['ruleset', 'ruleset (nft list ruleset)'], ['script', 'script (iptables-restore-translate)']], (v) => setOption('style', v))),
      checkbox('Merge iptables and ip6tables into inet tables', o.mergeInet, (v) => setOption('mergeInet', v)),
      checkbox('Counters on every rule', o.counters, (v) => setOption('counters', v)),
      checkbox('Emit physdev rules into a bridge table', o.physdev === 'bridge', (v) => setOption('physdev', v)),
      h('div', { class: 'ipsets' },
        h('span', {}, model.ipsets.length ? `ipset dumps: ${model.ipsets.join(', ')}` : 'No ipset dump attached'),
        button('Attach ipset dump…', () => vscode.postMessage({ type: 'attachIpset' }))),
      h('code', { class: 'cli', title: 'The same conversion on the command line' }, model.cli));

    const byTable = new Map();
    for (const c of s.chains) {
      const k = `${multiFile ? sourceLabel(c.file) + ' ' : ''}${c.table}`;
      if (!byTable.has(k)) byTable.set(k, []);
      byTable.get(k).push(c);
    }
    const head = h('tr', {}, h('th', {}, 'Table / chain'), h('th', {}, 'rules'), h('th', {}, 'translated'), h('th', {}, 'approximated'), h('th', {}, 'unsupported'));
    const rows = [];
    for (const [table, chains] of byTable) {
      const t = chains.reduce((a, c) => ({ rules: a.rules + c.rules, translated: a.translated + c.translated, approximated: a.approximated + c.approximated, unsupported: a.unsupported + c.unsupported }), { rules: 0, translated: 0, approximated: 0, unsupported: 0 });
      rows.push(h('tr', { class: 'table-row' }, h('td', {}, table || '(outside tables)'), ...countCells(t)));
      for (const c of chains) {
        rows.push(h('tr', {
          class: 'chain-row clickable', tabindex: '0', title: 'Show the first rule of the chain',
          dataset: { table: c.table, chain: c.chain },
          onclick: () => reveal(c.file, c.firstLine),
          onkeydown: (e) => { if (e.key === 'Enter') reveal(c.file, c.firstLine); },
        }, h('td', { class: 'chain' }, c.chain || '(none)'), ...countCells(c)));
      }
    }
    const table = h('table', { class: 'counts' }, h('thead', {}, head), h('tbody', {}, rows));

    const featureList = (items, kind) => items.length
      ? h('table', { class: 'features' }, h('tbody', {}, items.map((f) => h('tr', {
        class: `feature-row clickable ${kind}`, tabindex: '0', title: f.message, dataset: { code: f.code, count: f.count },
        onclick: () => reveal(f.first.file, f.first.range.start.line),
        onkeydown: (e) => { if (e.key === 'Enter') reveal(f.first.file, f.first.range.start.line); },
      }, h('td', { class: 'num' }, f.count), h('td', {}, h('code', {}, f.code)), h('td', { class: 'message' }, f.message)))))
      : h('p', { class: 'empty' }, 'None.');

    root.replaceChildren(
      h('header', {}, h('h1', {}, model.title), totals),
      section('Options', controls, true),
      section('Unsupported features', h('div', { id: 'unsupported' }, featureList(s.unsupportedFeatures, 'unsupported')), true),
      section('Approximations', featureList(s.approximations, 'approximated'), false),
      section('Tables and chains', table, true),
    );
    vscode.setState({ sources: model.sources.map((x) => x.uri) });
  }

  function num(el, key) {
    return Number(el.querySelector(`[data-k="${key}"]`)?.textContent ?? NaN);
  }

  /** The counts as shown on the page. */
  function shownCounts() {
    const t = document.getElementById('totals');
    if (!t || !model) return undefined;
    return {
      sessionId: model.sessionId,
      rules: Number(t.dataset.rules), translated: Number(t.dataset.translated), approximated: Number(t.dataset.approximated), unsupported: Number(t.dataset.unsupported),
      chains: [...document.querySelectorAll('tr.chain-row')].map((r) => ({
        table: r.dataset.table, chain: r.dataset.chain, rules: num(r, 'rules'), translated: num(r, 'translated'), approximated: num(r, 'approximated'), unsupported: num(r, 'unsupported'),
      })),
      features: [...document.querySelectorAll('#unsupported tr.feature-row')].map((r) => ({ code: r.dataset.code, count: Number(r.dataset.count) })),
      state: vscode.getState(),
    };
  }

  window.addEventListener('message', (e) => {
    const m = e.data;
    if (m.type === 'model') {
      model = m.model;
      render();
    } else if (m.type === 'report') {
      vscode.postMessage({ type: 'report', id: m.id, counts: shownCounts() });
    }
  });
  vscode.postMessage({ type: 'ready' });
})();
