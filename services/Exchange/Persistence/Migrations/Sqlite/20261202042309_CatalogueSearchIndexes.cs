using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogueSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "UpdateTime",
                table: "offer_tags",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing tags get their offer's sort key (the domain stamps it on every later change).
            migrationBuilder.Sql("UPDATE offer_tags SET \"UpdateTime\" = (SELECT o.\"UpdateTime\" FROM offers AS o WHERE o.\"Id\" = offer_tags.\"OfferId\");");

            // Text search (ExchangeDbContext.OffersWithWordsAsync): an external-content FTS5 index over
            // offers.SearchText keyed by the offers rowid, kept in step by triggers in the writing
            // transaction, and filled from the existing offers.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE offers_fts USING fts5(\"SearchText\", content='offers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');");
            migrationBuilder.Sql("""
                CREATE TRIGGER offers_fts_insert AFTER INSERT ON offers BEGIN
                  INSERT INTO offers_fts(rowid, "SearchText") VALUES (new.rowid, new."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER offers_fts_delete AFTER DELETE ON offers BEGIN
                  INSERT INTO offers_fts(offers_fts, rowid, "SearchText") VALUES ('delete', old.rowid, old."SearchText");
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER offers_fts_update AFTER UPDATE OF "SearchText" ON offers BEGIN
                  INSERT INTO offers_fts(offers_fts, rowid, "SearchText") VALUES ('delete', old.rowid, old."SearchText");
                  INSERT INTO offers_fts(rowid, "SearchText") VALUES (new.rowid, new."SearchText");
                END;
                """);
            migrationBuilder.Sql("INSERT INTO offers_fts(offers_fts) VALUES ('rebuild');");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_OwnerId_UpdateTime_Id",
                table: "offers",
                columns: new[] { "OwnerId", "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offer_tags_Kind_Value_UpdateTime_OfferId",
                table: "offer_tags",
                columns: new[] { "Kind", "Value", "UpdateTime", "OfferId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS offers_fts_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS offers_fts_delete;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS offers_fts_insert;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS offers_fts;");

            migrationBuilder.DropIndex(
                name: "IX_offers_Listed_OwnerId_UpdateTime_Id",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offer_tags_Kind_Value_UpdateTime_OfferId",
                table: "offer_tags");

            migrationBuilder.DropColumn(
                name: "UpdateTime",
                table: "offer_tags");
        }
    }
}
