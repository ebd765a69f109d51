// The targets the async dispatcher can deliver to besides functions: the platform's SQS
// queues first, then message brokers. Dead-letter queues stay SQS queues only.
import type { QueueTargets } from '../../invoke/async/dispatcher.js';
import type { FunctionKey } from '../../store/records.js';
import type { BrokerDestinations } from './broker-destinations.js';

export class DestinationTargets implements QueueTargets {
  readonly #queues: QueueTargets;
  readonly #brokers: BrokerDestinations;

  constructor(queues: QueueTargets, brokers: BrokerDestinations) {
    this.#queues = queues;
    this.#brokers = brokers;
  }

  /** True for every target that is not a function (the dispatcher sends to those itself). */
  isQueue(arn: string): boolean {
    return this.#queues.isQueue(arn) || this.#brokers.isBroker(arn);
  }

  sendRecord(arn: string, record: Buffer, sender: FunctionKey): Promise<void> {
    return this.#queues.isQueue(arn) ? this.#queues.sendRecord(arn, record, sender) : this.#brokers.sendRecord(arn, record, sender);
  }

  sendToDeadLetterQueue(...args: Parameters<QueueTargets['sendToDeadLetterQueue']>): Promise<void> {
    return this.#queues.sendToDeadLetterQueue(...args);
  }
}
