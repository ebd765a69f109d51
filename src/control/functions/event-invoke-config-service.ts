// Event invoke configs: retry and age limits and destinations for async invocations of a
// function or one of its qualifiers (lambda-reference §1.6 PutFunctionEventInvokeConfig).
import { NimbusError, invalidParameter } from '../../errors.js';
import type { EventInvokeConfigRepository } from '../../store/ports.js';
import type { DestinationConfig, EventInvokeConfig, FunctionKey } from '../../store/records.js';
import { functionArn, parseFunctionRef } from '../../util/arn.js';
import type { Clock } from '../../util/time.js';
import type { FunctionService } from './function-service.js';
import { LATEST } from './qualifiers.js';

export interface EventInvokeConfigInput {
  readonly maximumRetryAttempts?: number | undefined;
  readonly maximumEventAgeInSeconds?: number | undefined;
  readonly onSuccess?: string | undefined;
  readonly onFailure?: string | undefined;
}

function checkDestination(field: string, arn: string | undefined, self: FunctionKey): string | undefined {
  if (arn === undefined || arn === '') return undefined;
  if (/^arn:aws[a-zA-Z-]*:(sqs|sns|events|s3):/.test(arn)) {
    throw invalidParameter(field, `${arn.split(':')[2]?.toUpperCase() ?? ''} destinations are not supported yet on this platform; use a Lambda function ARN`);
  }
  if (!arn.startsWith('arn:aws:lambda:')) throw invalidParameter(field, `'${arn}' is not a destination ARN (a Lambda function ARN)`);
  const ref = parseFunctionRef(arn, field);
  if (ref.name === self.name && (ref.account ?? self.account) === self.account && (ref.region ?? self.region) === self.region) {
    throw new NimbusError('InvalidParameterValueException', "You can't specify the function as a destination for itself.");
  }
  return arn;
}

const SQS_ARN = /^arn:aws[a-zA-Z-]*:sqs:/;

/** Destinations on message brokers (triggers/destinations/broker-destinations.ts). */
export interface BrokerDestinationCheck {
  isBroker(arn: string): boolean;
  /** Throws InvalidParameterValueException naming `field` when the ARN is malformed or its broker is not configured. */
  check(field: string, arn: string): void;
}

export class EventInvokeConfigService {
  readonly #configs: EventInvokeConfigRepository;
  readonly #functions: FunctionService;
  readonly #clock: Clock;
  readonly #queueExists: ((arn: string) => Promise<boolean>) | undefined;

  readonly #brokers: BrokerDestinationCheck | undefined;

  /**
   * `queueExists`: SQS queue destinations are accepted when given, and must name an existing queue.
   * `brokers`: destinations on message brokers (arn:nimbus:…) are accepted when given, and checked by it.
   */
  constructor(configs: EventInvokeConfigRepository, functions: FunctionService, clock: Clock, queueExists?: (arn: string) => Promise<boolean>, brokers?: BrokerDestinationCheck) {
    this.#configs = configs;
    this.#functions = functions;
    this.#clock = clock;
    this.#queueExists = queueExists;
    this.#brokers = brokers;
  }

  async #destination(field: string, arn: string | undefined, self: FunctionKey): Promise<string | undefined> {
    if (arn !== undefined && this.#brokers?.isBroker(arn)) {
      this.#brokers.check(field, arn);
      return arn;
    }
    if (arn === undefined || !SQS_ARN.test(arn) || !this.#queueExists) return checkDestination(field, arn, self);
    if (!(await this.#queueExists(arn))) throw invalidParameter(field, `The destination ARN ${arn} is invalid or does not exist.`);
    return arn;
  }

  /** Put replaces the whole config; Update (merge = true) changes only what is given. */
  async put(key: FunctionKey, qualifier: string | undefined, input: EventInvokeConfigInput, merge: boolean): Promise<EventInvokeConfig> {
    const q = await this.#qualifier(key, qualifier);
    const base = merge ? await this.#configs.get(key, q) : undefined;
    if (input.maximumRetryAttempts === undefined && input.maximumEventAgeInSeconds === undefined && input.onSuccess === undefined && input.onFailure === undefined) {
      throw new NimbusError('InvalidParameterValueException', 'You must specify at least one of error handling or destination setting.');
    }
    const retries = input.maximumRetryAttempts ?? base?.maximumRetryAttempts;
    if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) throw invalidParameter('MaximumRetryAttempts', `must be an integer from 0 to 2 (got ${retries})`);
    const age = input.maximumEventAgeInSeconds ?? base?.maximumEventAgeInSeconds;
    if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21600)) throw invalidParameter('MaximumEventAgeInSeconds', `must be an integer from 60 to 21600 (got ${age})`);
    const destinations: DestinationConfig = {
      onSuccess: await this.#destination('DestinationConfig.OnSuccess.Destination', input.onSuccess ?? base?.destinations.onSuccess, key),
      onFailure: await this.#destination('DestinationConfig.OnFailure.Destination', input.onFailure ?? base?.destinations.onFailure, key),
    };
    const config: EventInvokeConfig = { ...key, qualifier: q, maximumRetryAttempts: retries, maximumEventAgeInSeconds: age, destinations, lastModified: this.#clock() };
    await this.#configs.put(config);
    return config;
  }

  async get(key: FunctionKey, qualifier: string | undefined): Promise<EventInvokeConfig> {
    const q = await this.#qualifier(key, qualifier);
    const config = await this.#configs.get(key, q);
    if (!config) {
      throw new NimbusError('ResourceNotFoundException', `The function ${functionArn(key.region, key.account, key.name, q)} doesn't have an EventInvokeConfig`);
    }
    return config;
  }

  async list(key: FunctionKey): Promise<readonly EventInvokeConfig[]> {
    await this.#functions.get(key);
    return this.#configs.list(key);
  }

  async delete(key: FunctionKey, qualifier: string | undefined): Promise<void> {
    await this.get(key, qualifier);
    await this.#configs.delete(key, qualifier ?? LATEST);
  }

  /** `$LATEST`, a version or an alias of the function: each has its own config. */
  async #qualifier(key: FunctionKey, qualifier: string | undefined): Promise<string> {
    await this.#functions.getQualified(key, qualifier);
    return qualifier ?? LATEST;
  }
}
