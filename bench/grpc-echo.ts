import * as grpc from "@grpc/grpc-js";

/**
 * A unary gRPC echo with a hand-written service definition: bytes in, the
 * same bytes out, no protobuf (so gRPC pays no serialisation cost pseud pays).
 */
export const ECHO_SERVICE: grpc.ServiceDefinition = {
  echo: {
    path: "/bench.Echo/Echo",
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
  },
};

export type EchoClient = grpc.Client & { echo(request: Buffer, callback: (error: grpc.ServiceError | null, reply: Buffer) => void): void };

export const EchoClientConstructor = grpc.makeGenericClientConstructor(ECHO_SERVICE, "Echo") as unknown as new (
  address: string,
  credentials: grpc.ChannelCredentials,
) => EchoClient;

/** Starts the echo server on 127.0.0.1 (an OS-picked port); resolves with its address. */
export async function startGrpcEcho(): Promise<{ address: string; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(ECHO_SERVICE, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return { address: `127.0.0.1:${port}`, server };
}
