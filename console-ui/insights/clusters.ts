/** Unanswered questions, clustered: examples, the nearest intents, and "add as example to …" in one click. */
import { byId, el, fill } from '../shared/dom.js';
import { intentName, show, stampFmt, W } from './format.js';
import type { ClusterView, InsightsView } from './types.js';

const SHOWN_CLUSTERS = 20;

type Accept = (cluster: string, intent: string, button: HTMLButtonElement) => void;

function acceptForm(f: InsightsView, cl: ClusterView, i: number, accept: Accept): HTMLDivElement {
  const box = el('div', 'accept');
  const id = `accept-${i}`;
  const label = el('label', 'small', W.addTo);
  label.htmlFor = id;
  const select = el('select');
  select.id = id;
  const ids = Object.keys(f.intentTitles).sort((a, b) => intentName(f, a).localeCompare(intentName(f, b), 'id'));
  const nearest = cl.nearest.map((n) => n.intent).filter((x) => f.intentTitles[x]);
  // Preselected only when the matcher already leans to it; otherwise the supervisor chooses.
  const placeholder = el('option', null, W.chooseIntent);
  placeholder.value = '';
  select.appendChild(placeholder);
  for (const x of [...nearest, ...ids.filter((x) => !nearest.includes(x))]) {
    const o = el('option', null, intentName(f, x));
    o.value = x;
    select.appendChild(o);
  }
  select.value = cl.suggested && f.intentTitles[cl.suggested] ? cl.suggested : '';
  const btn = el('button', 'btn btn-primary');
  btn.type = 'button';
  const sync = () => {
    btn.disabled = !select.value;
    btn.textContent = select.value ? fill(W.addButton, { intent: intentName(f, select.value) }) : W.chooseFirst;
  };
  select.addEventListener('change', sync);
  sync();
  btn.addEventListener('click', () => accept(cl.id, select.value, btn));
  box.appendChild(label);
  box.appendChild(select);
  box.appendChild(btn);
  return box;
}

export function renderClusters(f: InsightsView, accept: Accept): void {
  const list = byId('clusters');
  list.textContent = '';
  byId('clusters-empty').hidden = f.clusters.length > 0;
  f.clusters.slice(0, SHOWN_CLUSTERS).forEach((cl, i) => {
    const li = el('li', 'cluster');
    li.dataset.cluster = cl.id;
    li.appendChild(el('h3', null, fill(W.clusterHeading, { n: i + 1, count: show(cl.count, 'int') })));
    li.appendChild(el('p', 'small', W.clusterExamples));
    const ex = el('ul', 'examples');
    for (const t of cl.phrasings.slice(0, 5)) ex.appendChild(el('li', 'example', t));
    li.appendChild(ex);
    const nearest = cl.nearest.map((n) => `${intentName(f, n.intent)} (${show(n.score, 'pct')})`).join(', ');
    li.appendChild(el('p', 'muted small', cl.nearest.length ? fill(W.clusterNearest, { list: nearest }) : W.clusterNoNearest));
    li.appendChild(
      el(
        'p',
        'small cluster-suggestion',
        cl.suggested ? fill(W.clusterSuggested, { intent: intentName(f, cl.suggested) }) : fill(W.clusterSuggestNew, { none: intentName(f, 'none') }),
      ),
    );
    if (cl.accepted)
      li.appendChild(
        el(
          'p',
          'accepted',
          fill(W.acceptedNote, {
            intent: intentName(f, cl.accepted.intent),
            by: cl.accepted.byName || cl.accepted.by,
            at: stampFmt.format(new Date(cl.accepted.at)),
          }),
        ),
      );
    else li.appendChild(acceptForm(f, cl, i, accept));
    list.appendChild(li);
  });
  if (f.clusterCount > SHOWN_CLUSTERS)
    list.appendChild(el('li', 'muted small more', fill(W.moreClusters, { shown: Math.min(SHOWN_CLUSTERS, f.clusters.length), total: f.clusterCount })));
}
