/** Contact ids interned to dense indices, in the order they are met. */
export class ContactDirectory {
  private readonly index = new Map<string, number>();
  readonly ids: string[] = [];

  get size(): number {
    return this.ids.length;
  }

  get(id: string): number | undefined {
    return this.index.get(id);
  }

  intern(id: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.ids.length;
      this.ids.push(id);
      this.index.set(id, i);
    }
    return i;
  }
}
