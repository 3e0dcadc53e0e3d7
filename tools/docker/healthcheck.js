// The image's HEALTHCHECK: GET /health/live on the port of the service this container runs
// (SERVICE), from the same variable and default the service reads. Exit 0 healthy, 1 not.
const PORTS = {
  gateway: ['GATEWAY_PORT', 3000],
  'key-service': ['KEY_SERVICE_PORT', 3001],
  'permissions-service': ['PERMISSIONS_SERVICE_PORT', 3002],
  'status-page-api': ['STATUS_PAGE_API_PORT', 3003],
};
const entry = PORTS[process.env.SERVICE];
if (!entry) {
  console.error(`healthcheck: unknown SERVICE "${process.env.SERVICE}"`);
  process.exit(1);
}
const port = process.env[entry[0]] || entry[1];
fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(2500) })
  .then((res) => process.exit(res.ok ? 0 : 1))
  .catch(() => process.exit(1));
