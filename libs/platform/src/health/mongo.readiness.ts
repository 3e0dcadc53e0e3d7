import { Injectable } from '@nestjs/common';
import { MongooseHealthIndicator } from '@nestjs/terminus';
import type { ReadinessIndicator } from './health.controller';

/** Ready when MongoDB (or the local engine) answers a ping on the app's mongoose connection. */
@Injectable()
export class MongoReadiness implements ReadinessIndicator {
  constructor(private readonly mongoose: MongooseHealthIndicator) {}

  check() {
    return this.mongoose.pingCheck('mongodb', { timeout: 1500 });
  }
}
