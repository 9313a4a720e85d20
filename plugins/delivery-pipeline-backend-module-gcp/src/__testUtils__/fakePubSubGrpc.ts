import { grpc } from 'google-gax';
import { fromProto3JSON, toProto3JSON } from 'proto3-json-serializer';
import * as protobuf from 'protobufjs';
import { FakePubSub, FakePubSubRpc } from './fakePubSub';

/**
 * The Pub/Sub protos the client library ships (compiled to protobufjs JSON,
 * as gax loads them), so that the fake decodes what the client encodes.
 */
const PROTOS = protobuf.Root.fromJSON(
  require('@google-cloud/pubsub/build/protos/protos.json'),
);

/**
 * The RPCs served, by service and method, with the request field that names
 * the resource. Any other method answers UNIMPLEMENTED (grpc-js's default).
 */
const METHODS: Record<
  string,
  Record<string, { rpc: FakePubSubRpc; nameField: string }>
> = {
  'google.pubsub.v1.Publisher': {
    CreateTopic: { rpc: 'createTopic', nameField: 'name' },
    GetTopic: { rpc: 'getTopic', nameField: 'topic' },
    DeleteTopic: { rpc: 'deleteTopic', nameField: 'topic' },
    Publish: { rpc: 'publish', nameField: 'topic' },
  },
  'google.pubsub.v1.Subscriber': {
    CreateSubscription: { rpc: 'createSubscription', nameField: 'name' },
    GetSubscription: { rpc: 'getSubscription', nameField: 'subscription' },
    DeleteSubscription: {
      rpc: 'deleteSubscription',
      nameField: 'subscription',
    },
    Pull: { rpc: 'pull', nameField: 'subscription' },
    Acknowledge: { rpc: 'acknowledge', nameField: 'subscription' },
    ModifyAckDeadline: { rpc: 'modifyAckDeadline', nameField: 'subscription' },
  },
};

/** The gRPC code Google's APIs answer for an HTTP status (google.rpc.Code). */
const GRPC_CODES: Record<number, grpc.status> = {
  400: grpc.status.INVALID_ARGUMENT,
  401: grpc.status.UNAUTHENTICATED,
  403: grpc.status.PERMISSION_DENIED,
  404: grpc.status.NOT_FOUND,
  409: grpc.status.ALREADY_EXISTS,
  412: grpc.status.FAILED_PRECONDITION,
  429: grpc.status.RESOURCE_EXHAUSTED,
  499: grpc.status.CANCELLED,
  500: grpc.status.INTERNAL,
  501: grpc.status.UNIMPLEMENTED,
  503: grpc.status.UNAVAILABLE,
  504: grpc.status.DEADLINE_EXCEEDED,
};

/**
 * The gRPC front end of {@link FakePubSub}: a grpc-js server of the Pub/Sub
 * v1 `Publisher` and `Subscriber` services that hands every call to the
 * fake, so the REST and gRPC front ends share one state and one behaviour
 * (errors, faults, leases, dead letters). Messages cross as proto3's JSON
 * mapping, which is what the REST API carries. Like the Pub/Sub emulator it
 * listens in plaintext and takes calls without credentials (the clients send
 * none on an `http://` endpoint).
 *
 * Which fake answers is set with `use`, as msw's `server.use`, so that one
 * server per test file serves each test's fake.
 */
export class FakePubSubGrpcServer {
  readonly #server = new grpc.Server();
  #fake?: FakePubSub;
  #url?: string;

  constructor(fake?: FakePubSub) {
    this.#fake = fake;
    for (const [serviceName, methods] of Object.entries(METHODS)) {
      const service = PROTOS.lookupService(serviceName);
      const definition: Record<string, grpc.MethodDefinition<any, any>> = {};
      const implementation: grpc.UntypedServiceImplementation = {};
      for (const [methodName, { rpc, nameField }] of Object.entries(methods)) {
        const method = service.methods[methodName];
        method.resolve();
        const requestType = method.resolvedRequestType!;
        const responseType = method.resolvedResponseType!;
        definition[methodName] = {
          path: `/${serviceName}/${methodName}`,
          requestStream: false,
          responseStream: false,
          requestSerialize: (value: any) =>
            Buffer.from(
              requestType.encode(fromProto3JSON(requestType, value)!).finish(),
            ),
          requestDeserialize: (bytes: Buffer) =>
            toProto3JSON(requestType.decode(bytes)),
          responseSerialize: (value: any) =>
            Buffer.from(
              responseType
                .encode(fromProto3JSON(responseType, value)!)
                .finish(),
            ),
          responseDeserialize: (bytes: Buffer) =>
            toProto3JSON(responseType.decode(bytes)),
        };
        implementation[methodName] = (
          call: grpc.ServerUnaryCall<any, any>,
          callback: grpc.sendUnaryData<any>,
        ) => {
          this.#answer(rpc, call.request?.[nameField] ?? '', call.request)
            .then(
              answer => callback(null, answer),
              error => callback(error),
            )
            .catch(() => {});
        };
      }
      this.#server.addService(definition, implementation);
    }
  }

  /** The fake that answers from now on. */
  use(fake: FakePubSub): void {
    this.#fake = fake;
  }

  /** `http://host:port`, the clients' `apiEndpoint`. */
  get url(): string {
    if (!this.#url) throw new Error('The fake gRPC server is not listening');
    return this.#url;
  }

  async listen(options: { host?: string; port?: number } = {}): Promise<void> {
    const host = options.host ?? '127.0.0.1';
    const port = await new Promise<number>((resolve, reject) =>
      this.#server.bindAsync(
        `${host}:${options.port ?? 0}`,
        grpc.ServerCredentials.createInsecure(),
        (error, bound) => (error ? reject(error) : resolve(bound)),
      ),
    );
    this.#url = `http://${host}:${port}`;
  }

  /** Stops at once: calls in flight end CANCELLED. */
  async close(): Promise<void> {
    this.#server.forceShutdown();
  }

  async #answer(rpc: FakePubSubRpc, name: string, body: unknown) {
    const fake = this.#fake;
    if (!fake) {
      throw errorOf(503, 'No fake Pub/Sub is in use');
    }
    const match = String(name).match(
      /^projects\/([^/]+)\/(?:topics|subscriptions)\/([^/]+)$/,
    );
    if (!match) {
      throw errorOf(400, `Invalid resource name given (name=${name}).`);
    }
    const answer = await fake.call({
      rpc,
      project: match[1],
      id: match[2],
      name,
      body,
    });
    if ('error' in answer) {
      throw errorOf(answer.error.status, answer.error.message);
    }
    return answer.body;
  }
}

function errorOf(status: number, message: string): grpc.ServiceError {
  return Object.assign(new Error(message), {
    code: GRPC_CODES[status] ?? grpc.status.UNKNOWN,
    details: message,
    metadata: new grpc.Metadata(),
  });
}
