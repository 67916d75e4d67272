using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing tags get their offer's sort key (the domain stamps it on every later change).
            migrationBuilder.Sql("UPDATE offer_tags AS t SET \"UpdateTime\" = o.\"UpdateTime\" FROM offers AS o WHERE o.\"Id\" = t.\"OfferId\";");

            // Text search (PostgresExchangeDbContext.OffersWithWordsAsync): a stored generated tsvector,
            // computed for existing rows as the column is added and by PostgreSQL on every write, with a GIN index.
            migrationBuilder.Sql("ALTER TABLE offers ADD COLUMN \"SearchVector\" tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, \"SearchText\")) STORED;");
            migrationBuilder.Sql("CREATE INDEX \"IX_offers_SearchVector\" ON offers USING GIN (\"SearchVector\");");

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
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_offers_SearchVector\";");
            migrationBuilder.Sql("ALTER TABLE offers DROP COLUMN IF EXISTS \"SearchVector\";");

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
