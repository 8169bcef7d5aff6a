import { describe, expect, it } from "vitest";
import { parseUserMapping, resolveMapping } from "./mapping.js";

describe("resolveMapping", () => {
  it("applies the HubSpot table when the header looks like a HubSpot export", () => {
    const mapping = resolveMapping("contact", [
      "Record ID",
      "First Name",
      "Email",
      "Job Title",
      "Country/Region",
    ]);
    expect(mapping.table).toBe("HubSpot contacts");
    expect(mapping.columnOf("id")).toBe("Record ID");
    expect(mapping.columnOf("jobTitle")).toBe("Job Title");
    expect(mapping.columnOf("country")).toBe("Country/Region");
    expect(mapping.columnOf("email")).toBe("Email");
  });

  it("applies the Salesforce table, company fields of a lead included", () => {
    const mapping = resolveMapping("contact", [
      "Id",
      "FirstName",
      "LastName",
      "Title",
      "Company",
      "AnnualRevenue",
    ]);
    expect(mapping.table).toBe("Salesforce leads/contacts");
    expect(mapping.columnOf("company.revenue")).toBe("AnnualRevenue");
    expect(mapping.columnOf("company.name")).toBe("Company");
  });

  it("leaves a file alone when too few of its columns match a table", () => {
    const mapping = resolveMapping("contact", ["Prospect ID", "Lead Source", "Country", "TotalVisits"]);
    expect(mapping.table).toBeUndefined();
    expect(mapping.renamed.size).toBe(0);
    expect(mapping.columnOf("Lead Source")).toBe("Lead Source");
    expect(mapping.columnOf("id")).toBeUndefined();
  });

  it("prefers a column already named like the canonical name over an alias", () => {
    const mapping = resolveMapping("contact", ["id", "Record ID", "First Name", "Last Name", "Email"]);
    expect(mapping.columnOf("id")).toBe("id");
  });

  it("lets the user's mappings win, matching the header without regard to case", () => {
    const mapping = resolveMapping(
      "contact",
      ["Record ID", "First Name", "Last Name", "Mail"],
      [
        { entity: "contact", name: "email", column: "mail" },
        { entity: "contact", name: "id", column: "First Name" },
      ],
    );
    expect(mapping.columnOf("email")).toBe("Mail");
    expect(mapping.columnOf("id")).toBe("First Name");
  });

  it("rejects a user mapping to a column the file lacks", () => {
    expect(() =>
      resolveMapping("contact", ["a"], [{ entity: "contact", name: "id", column: "b" }], "f.csv"),
    ).toThrow('f.csv: --map contact.id=b: no column "b" in the header (a)');
  });
});

describe("parseUserMapping", () => {
  it("reads an optional entity prefix, contact by default", () => {
    expect(parseUserMapping("email=E-mail Address")).toEqual({
      entity: "contact",
      name: "email",
      column: "E-mail Address",
    });
    expect(parseUserMapping("company.name=Account")).toEqual({
      entity: "company",
      name: "name",
      column: "Account",
    });
    expect(parseUserMapping("event.contactId=Lead")).toEqual({
      entity: "event",
      name: "contactId",
      column: "Lead",
    });
  });

  it("rejects text without name=column", () => {
    expect(() => parseUserMapping("email")).toThrow("expected name=Column");
  });
});
