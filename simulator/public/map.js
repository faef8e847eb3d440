/* global document, DOMPoint */
// The location dialog: a small SVG map of the network's neighbourhood centres
// (no map tiles: nothing is fetched from the internet) and a neighbourhood list.
import { h } from './render.js';

const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#b03a2e', '#1f618d', '#1e8449', '#9a7d0a', '#6c3483', '#117a65', '#873600', '#2e4053'];
const WIDTH = 400;

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Equirectangular projection of the zones' neighbourhood centres onto a WIDTH-wide box. */
function projection(zones) {
  const hoods = zones.flatMap((z) => z.neighbourhoods);
  const lats = hoods.map((n) => n.lat);
  const lons = hoods.map((n) => n.lon);
  const margin = 0.012;
  const box = {
    south: Math.min(...lats) - margin,
    north: Math.max(...lats) + margin,
    west: Math.min(...lons) - margin,
    east: Math.max(...lons) + margin,
  };
  const k = Math.cos((((box.north + box.south) / 2) * Math.PI) / 180);
  const scale = WIDTH / ((box.east - box.west) * k);
  const height = (box.north - box.south) * scale;
  return {
    height,
    toXY: (lat, lon) => [(lon - box.west) * k * scale, (box.north - lat) * scale],
    toLatLon: (x, y) => ({ lat: box.north - y / scale, lon: box.west + x / (k * scale) }),
  };
}

/** Opens the dialog; resolves with `{ lat, lon }`, or null when cancelled. */
export function createLocationPicker(dialog) {
  const map = dialog.querySelector('#map');
  const select = dialog.querySelector('#hood-select');
  const pickedText = dialog.querySelector('#picked');
  const sendPoint = dialog.querySelector('#send-point');
  let drawnFor = '';
  let project;
  let marker;
  let picked = null;
  let settle = () => {};

  function draw(zones) {
    project = projection(zones);
    map.setAttribute('viewBox', `0 0 ${WIDTH} ${project.height.toFixed(1)}`);
    map.replaceChildren(
      svg('title', { id: 'map-title' }, 'Map of the neighbourhood centres; click to pick a point'),
    );
    map.append(svg('rect', { x: 0, y: 0, width: WIDTH, height: project.height, class: 'map-bg' }));
    select.replaceChildren();
    zones.forEach((zone, i) => {
      const colour = COLOURS[i % COLOURS.length];
      const group = h('optgroup', { label: zone.name });
      for (const hood of zone.neighbourhoods) {
        const [x, y] = project.toXY(hood.lat, hood.lon);
        map.append(svg('circle', { cx: x, cy: y, r: 4, fill: colour }));
        map.append(svg('text', { x: x + 6, y: y + 3, class: 'map-label' }, hood.name));
        group.append(h('option', { value: `${hood.lat},${hood.lon}` }, `${hood.name} (${zone.name})`));
      }
      select.append(group);
      map.append(svg('text', { x: 8, y: 16 + i * 14, fill: colour, class: 'map-legend' }, `● ${zone.name}`));
    });
    marker = svg('g', { class: 'marker', visibility: 'hidden' });
    marker.append(svg('circle', { r: 7 }), svg('circle', { r: 2 }));
    map.append(marker);
  }

  map.addEventListener('click', (event) => {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(map.getScreenCTM().inverse());
    picked = project.toLatLon(point.x, point.y);
    marker.setAttribute('transform', `translate(${point.x} ${point.y})`);
    marker.setAttribute('visibility', 'visible');
    pickedText.textContent = `Map point: ${picked.lat.toFixed(4)}, ${picked.lon.toFixed(4)}`;
    sendPoint.disabled = false;
  });

  dialog.addEventListener('close', () => {
    const choice = dialog.returnValue;
    if (choice === 'hood') {
      const [lat, lon] = select.value.split(',').map(Number);
      settle({ lat, lon });
    } else if (choice === 'point' && picked) settle(picked);
    else settle(null);
  });

  return {
    pick(zones) {
      const key = JSON.stringify(zones);
      if (key !== drawnFor) {
        drawnFor = key;
        draw(zones);
      }
      picked = null;
      marker.setAttribute('visibility', 'hidden');
      pickedText.textContent = 'No point picked on the map.';
      sendPoint.disabled = true;
      dialog.returnValue = '';
      dialog.showModal();
      select.focus();
      return new Promise((resolve) => (settle = resolve));
    },
  };
}
