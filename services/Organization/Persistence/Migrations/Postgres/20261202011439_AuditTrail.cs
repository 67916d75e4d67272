using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MediaMesh.Organizations.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditTrail : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorOrganizationId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ActorApiKeyId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Details = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_entry_subjects",
                columns: table => new
                {
                    AuditEntryId = table.Column<long>(type: "bigint", nullable: false),
                    Type = table.Column<int>(type: "integer", nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entry_subjects", x => new { x.AuditEntryId, x.Type, x.SubjectId });
                    table.ForeignKey(
                        name: "FK_audit_entry_subjects_audit_entries_AuditEntryId",
                        column: x => x.AuditEntryId,
                        principalTable: "audit_entries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_Action_Id",
                table: "audit_entries",
                columns: new[] { "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_ActorOrganizationId_Id",
                table: "audit_entries",
                columns: new[] { "ActorOrganizationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_Time_Id",
                table: "audit_entries",
                columns: new[] { "Time", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entry_subjects_SubjectId_Type_AuditEntryId",
                table: "audit_entry_subjects",
                columns: new[] { "SubjectId", "Type", "AuditEntryId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_entry_subjects");

            migrationBuilder.DropTable(
                name: "audit_entries");
        }
    }
}
