using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MediaMesh.Initiatives.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "initiatives",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Titles = table.Column<string>(type: "text", nullable: false),
                    Charter = table.Column<string>(type: "text", nullable: false),
                    Objectives = table.Column<string>(type: "text", nullable: false),
                    ProposerIds = table.Column<string>(type: "text", nullable: false),
                    TargetRegions = table.Column<string>(type: "text", nullable: false),
                    StartTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    WithdrawReason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SearchText = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProposerKey = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TargetRegionMask = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_initiatives", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "activities",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    InitiativeId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Titles = table.Column<string>(type: "text", nullable: false),
                    CountryCode = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false, collation: "C"),
                    City = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Region = table.Column<int>(type: "integer", nullable: false),
                    StartTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EndTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PartnerIds = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activities", x => x.Id);
                    table.ForeignKey(
                        name: "FK_activities_initiatives_InitiativeId",
                        column: x => x.InitiativeId,
                        principalTable: "initiatives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "audit_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    InitiativeId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    ActorOrganizationId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Action = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Details = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_audit_entries_initiatives_InitiativeId",
                        column: x => x.InitiativeId,
                        principalTable: "initiatives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "signatures",
                columns: table => new
                {
                    InitiativeId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    OrganizationId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SignerName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SignerTitle = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    SignTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    WithdrawTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    WithdrawReason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CountryCode = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false, collation: "C"),
                    Region = table.Column<int>(type: "integer", nullable: false),
                    UnionIds = table.Column<string>(type: "text", nullable: false),
                    UnionKey = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signatures", x => new { x.InitiativeId, x.OrganizationId });
                    table.ForeignKey(
                        name: "FK_signatures_initiatives_InitiativeId",
                        column: x => x.InitiativeId,
                        principalTable: "initiatives",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_activities_InitiativeId_StartTime_Id",
                table: "activities",
                columns: new[] { "InitiativeId", "StartTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_entries_InitiativeId_Id",
                table: "audit_entries",
                columns: new[] { "InitiativeId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_initiatives_Kind_Id",
                table: "initiatives",
                columns: new[] { "Kind", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_initiatives_State_Id",
                table: "initiatives",
                columns: new[] { "State", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_signatures_InitiativeId_State_SignTime",
                table: "signatures",
                columns: new[] { "InitiativeId", "State", "SignTime" });

            migrationBuilder.CreateIndex(
                name: "IX_signatures_OrganizationId_State",
                table: "signatures",
                columns: new[] { "OrganizationId", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "activities");

            migrationBuilder.DropTable(
                name: "audit_entries");

            migrationBuilder.DropTable(
                name: "signatures");

            migrationBuilder.DropTable(
                name: "initiatives");
        }
    }
}
