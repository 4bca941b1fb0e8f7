/** `npm run grafana:generate`: writes dashboards/arena-overview.json from arena-dashboard.ts. */
import { writeFileSync } from 'node:fs';
import { arenaDashboard } from './arena-dashboard.js';

const DASHBOARD_FILE = new URL('./dashboards/arena-overview.json', import.meta.url);

writeFileSync(DASHBOARD_FILE, `${JSON.stringify(arenaDashboard(), null, 2)}\n`);
console.log(`wrote ${DASHBOARD_FILE.pathname}`);
