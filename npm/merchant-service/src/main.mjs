#!/usr/bin/env node
// `node src/main.mjs`: the reference merchant service, configured by the environment.
import { configFromEnv } from './config.mjs';
import { createService } from './app.mjs';

let service;
try {
  service = await createService(configFromEnv());
  const url = await service.start();
  console.log(url); // the first stdout line is the base URL
} catch (e) {
  console.error(e.message);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    service.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
