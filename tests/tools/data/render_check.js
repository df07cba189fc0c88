// Injected by cli_report_test into a copy of a report: draws every chart of the page onto a
// canvas, as the browser renders it, and writes what was drawn into <pre id="render-check">,
// one line per chart: its figure id, its size on the page, the share of its pixels that are
// not white and the palette colours (report_charts.hpp) its data shows, by name (legends are
// left out, so a colour counts only where the chart drew with it), and how many of its labels,
// as the browser laid them out in its fonts, reach past the chart's edges (clipped) or into
// another label (overlaps).
// Labels past the edges of `svg` and pairs of labels whose boxes intersect, by more than half a
// pixel either way (a glyph box includes the font's ascent and descent).
function label_faults(svg) {
  const edge = svg.getBoundingClientRect();
  const boxes = [...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect()).filter(b => b.width > 0);
  const e = 0.5;
  const clipped = boxes.filter(b => b.left < edge.left - e || b.right > edge.right + e ||
                                    b.top < edge.top - e || b.bottom > edge.bottom + e).length;
  let overlaps = 0;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > e &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > e) overlaps++;
    }
  return ' clipped=' + clipped + ' overlaps=' + overlaps;
}

window.addEventListener('load', async () => {
  const palette = {blue: [0, 114, 178], sky: [86, 180, 233], green: [0, 158, 115], orange: [230, 159, 0],
                   yellow: [240, 228, 66], vermillion: [213, 94, 0], purple: [204, 121, 167],
                   hatch: [232, 232, 232]};  // the hatching's ground: most of a hatched area
  const defs = document.querySelector('svg[aria-hidden] defs').outerHTML;
  const css = document.querySelector('style').textContent;
  const lines = [];
  for (const svg of document.querySelectorAll('figure svg.chart')) {
    const box = svg.getBoundingClientRect();
    const clone = svg.cloneNode(true);
    clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    clone.querySelectorAll('.legend').forEach(g => g.remove());
    clone.insertAdjacentHTML('afterbegin', defs + '<style>' + css + '</style>');
    const img = new Image();
    const drawn = new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; });
    img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(clone));
    let line = svg.closest('figure').id + ' ' + Math.round(box.width) + 'x' + Math.round(box.height) + label_faults(svg);
    try {
      await drawn;
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.fillStyle = '#fff';
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, canvas.width, canvas.height).data;
      let inked = 0;
      const seen = {};
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 245 || d[i + 1] < 245 || d[i + 2] < 245) inked++;
        for (const [name, [r, gr, b]] of Object.entries(palette))
          if (d[i] === r && d[i + 1] === gr && d[i + 2] === b) seen[name] = (seen[name] || 0) + 1;
      }
      const colours = Object.keys(seen).filter(n => seen[n] >= 20).sort();
      line += ' inked=' + (inked / (d.length / 4)).toFixed(4) + ' colours=' + colours.join(',');
    } catch (e) {
      line += ' not-drawn';
    }
    lines.push(line);
  }
  // What the page fetched besides its own data: URLs (resource timing), and what the page's
  // Content-Security-Policy blocked (window.blocked, filled by a listener in the page's head).
  const fetched = performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith('data:'));
  lines.push('fetched ' + fetched.length + (fetched.length ? ' ' + fetched.join(' ') : ''));
  lines.push('blocked ' + window.blocked.length + (window.blocked.length ? ' ' + window.blocked.join(' ') : ''));
  const pre = document.createElement('pre');
  pre.id = 'render-check';
  pre.textContent = lines.join('\n');
  document.body.appendChild(pre);
});
