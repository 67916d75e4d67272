using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class UsageReportRequestId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestId",
                table: "usage_reports",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ux_usage_reports_request",
                table: "usage_reports",
                columns: new[] { "LicenseeId", "RequestId" },
                unique: true,
                filter: "\"RequestId\" <> ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_usage_reports_request",
                table: "usage_reports");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "usage_reports");
        }
    }
}
