using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Organizations.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "organizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false, collation: "C"),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Names = table.Column<string>(type: "text", nullable: false),
                    ShortName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CountryCode = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false, collation: "C"),
                    Region = table.Column<int>(type: "integer", nullable: false),
                    WorkingLanguages = table.Column<string>(type: "text", nullable: false),
                    Website = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ContactEmail = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<int>(type: "integer", nullable: false),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SortName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SearchText = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_organizations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "api_keys",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    OrganizationId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    DisplayName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Prefix = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SecretHash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreateTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastUseTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokeTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ExpireTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_api_keys_organizations_OrganizationId",
                        column: x => x.OrganizationId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "union_memberships",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UnionId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    MemberId = table.Column<string>(type: "character varying(40)", nullable: false, collation: "C"),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Message = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DecisionReason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    RequestTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DecisionTime = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_union_memberships", x => x.Id);
                    table.ForeignKey(
                        name: "FK_union_memberships_organizations_MemberId",
                        column: x => x.MemberId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_union_memberships_organizations_UnionId",
                        column: x => x.UnionId,
                        principalTable: "organizations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_OrganizationId_CreateTime",
                table: "api_keys",
                columns: new[] { "OrganizationId", "CreateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_api_keys_SecretHash",
                table: "api_keys",
                column: "SecretHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_organizations_CountryCode_SortName",
                table: "organizations",
                columns: new[] { "CountryCode", "SortName" });

            migrationBuilder.CreateIndex(
                name: "IX_organizations_Region_SortName",
                table: "organizations",
                columns: new[] { "Region", "SortName" });

            migrationBuilder.CreateIndex(
                name: "IX_organizations_SortName_Id",
                table: "organizations",
                columns: new[] { "SortName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_organizations_Status",
                table: "organizations",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_union_memberships_MemberId_State",
                table: "union_memberships",
                columns: new[] { "MemberId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_union_memberships_UnionId_State",
                table: "union_memberships",
                columns: new[] { "UnionId", "State" });

            migrationBuilder.CreateIndex(
                name: "ux_union_memberships_open",
                table: "union_memberships",
                columns: new[] { "UnionId", "MemberId" },
                unique: true,
                filter: "\"State\" IN (1, 2)");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "api_keys");

            migrationBuilder.DropTable(
                name: "union_memberships");

            migrationBuilder.DropTable(
                name: "organizations");
        }
    }
}
