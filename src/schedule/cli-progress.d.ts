// The part of cli-progress (which ships no types) that progress-bar.ts uses.
declare module "cli-progress" {
  interface Bar {
    start(total: number, value: number, payload?: object): void;
    update(value: number, payload?: object): void;
    setTotal(total: number): void;
    stop(): void;
  }
  export const SingleBar: new (options: object, preset: object) => Bar;
  export const Presets: { shades_classic: object };
}
